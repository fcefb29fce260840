"""Fitted default-probability models (versioned) and the scores they gave each customer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class ModelVersion(models.Model):
    """One fit: its windows, features, parameters, backtest metrics and the serialized models.

    Never edited after the fit; a new fit is a new version. The serialized estimators live
    under ``VAR_DIR/forecast/models/`` and their SHA-256 is kept here (loading checks it).
    """

    class Status(models.TextChoices):
        FITTED = "fitted", gettext_lazy("已拟合")
        RETIRED = "retired", gettext_lazy("已停用")

    created_at = models.DateTimeField(gettext_lazy("拟合时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=Status.choices, default=Status.FITTED
    )
    horizon = models.DateField(gettext_lazy("数据截至月末"))
    train_start = models.DateField(gettext_lazy("训练窗口起"))
    train_end = models.DateField(gettext_lazy("训练窗口止"))
    backtest_train_start = models.DateField(gettext_lazy("回测训练窗口起"))
    backtest_train_end = models.DateField(gettext_lazy("回测训练窗口止"))
    backtest_as_of = models.DateField(gettext_lazy("回测观察时点"))
    features = models.JSONField(gettext_lazy("特征"), default=list)
    params = models.JSONField(gettext_lazy("参数"), default=dict)
    metrics = models.JSONField(gettext_lazy("回测指标"), default=dict)
    chosen = models.CharField(gettext_lazy("排序所用"), max_length=8, default="rule")
    chosen_reason = models.TextField(gettext_lazy("选择理由"), blank=True, default="")
    artifact = models.CharField(gettext_lazy("模型文件"), max_length=300)
    sha256 = models.CharField(gettext_lazy("文件SHA-256"), max_length=64)
    fit_seconds = models.DecimalField(
        gettext_lazy("拟合耗时（秒）"), max_digits=9, decimal_places=2
    )
    rows_train = models.PositiveIntegerField(gettext_lazy("训练样本数"), default=0)
    rows_test = models.PositiveIntegerField(gettext_lazy("回测样本数"), default=0)

    class Meta:
        db_table = "forecast_model_versions"
        ordering = ["-pk"]
        verbose_name = gettext_lazy("模型版本")
        verbose_name_plural = gettext_lazy("模型版本")

    def __str__(self):
        return f"PD模型 v{self.pk}（数据截至 {self.horizon:%Y-%m-%d}）"


class CustomerScore(models.Model):
    """A customer's 12-month default probability at a month-end, with its factors in words."""

    version = models.ForeignKey(
        ModelVersion, verbose_name=gettext_lazy("模型版本"), on_delete=models.CASCADE
    )
    as_of = models.DateField(gettext_lazy("评分月末"))
    customer_code = models.CharField(gettext_lazy("客户编号"), max_length=40)
    pd = models.DecimalField(gettext_lazy("12个月违约概率"), max_digits=7, decimal_places=6)
    pd_previous = models.DecimalField(
        gettext_lazy("上月违约概率"), max_digits=7, decimal_places=6, null=True, blank=True
    )
    band = models.PositiveSmallIntegerField(gettext_lazy("评分档"))
    model_rank = models.PositiveIntegerField(gettext_lazy("模型排名"))
    rule_rank = models.PositiveIntegerField(gettext_lazy("规则分排名"))
    rule_score = models.DecimalField(gettext_lazy("规则分"), max_digits=9, decimal_places=2)
    factors = models.JSONField(gettext_lazy("主要因素"), default=list, blank=True)

    class Meta:
        db_table = "forecast_customer_scores"
        ordering = ["model_rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "as_of", "customer_code"], name="forecast_score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(pd__gte=0) & models.Q(pd__lte=1), name="forecast_pd_range"
            ),
        ]
        indexes = [models.Index(fields=["customer_code", "as_of"])]
        verbose_name = gettext_lazy("客户违约概率")
        verbose_name_plural = gettext_lazy("客户违约概率")

    def __str__(self):
        return f"{self.customer_code} {self.as_of:%Y-%m-%d} PD {self.pd:.2%}"

    @property
    def factors_zh(self) -> str:
        return "；".join(f["text"] for f in self.factors)
