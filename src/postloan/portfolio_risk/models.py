"""Portfolio-level risk: the limits in force (versioned, audited) and the signals whose subject
is the bank's portfolio — a customer's or a group's share of net capital, an industry's share,
a retail cohort's curve — not one customer's loans (those stay `risk.Signal`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from postloan.core.models import SettingsVersion

USER = settings.AUTH_USER_MODEL


class LimitVersion(SettingsVersion):
    """One version of every portfolio limit; the current one is the latest (as the early-warning
    thresholds). The bank's net capital (资本净额) is one of them and has no default."""

    values = models.JSONField(gettext_lazy("限额"))

    class Meta(SettingsVersion.Meta):
        db_table = "portfolio_limit_versions"
        verbose_name = gettext_lazy("组合限额版本")
        verbose_name_plural = gettext_lazy("组合限额版本")

    @classmethod
    def current(cls) -> "LimitVersion | None":
        return cls.objects.order_by("-version").first()


class PortfolioSignalStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("未消除")
    RELEASED = "released", gettext_lazy("已消除")


class PortfolioSignal(models.Model):
    """A breach of a portfolio limit, raised by the business day's 组合风险监测 step for the risk
    department; open while the breach lasts, released (with the date) when a later day no
    longer finds it."""

    rule_id = models.CharField(gettext_lazy("规则"), max_length=40)
    subject_key = models.CharField(gettext_lazy("对象"), max_length=80)
    subject_label = models.CharField(gettext_lazy("对象名称"), max_length=200)
    level = models.CharField(gettext_lazy("级别"), max_length=8, default="orange")
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=PortfolioSignalStatus.choices,
        default=PortfolioSignalStatus.OPEN,
    )
    raised_on = models.DateField(gettext_lazy("发布日期"))
    last_seen_on = models.DateField(gettext_lazy("最近触发日期"))
    released_on = models.DateField(gettext_lazy("消除日期"), null=True, blank=True)
    value = models.DecimalField(gettext_lazy("指标值"), max_digits=12, decimal_places=6)
    limit = models.DecimalField(gettext_lazy("限额"), max_digits=12, decimal_places=6)
    summary = models.TextField(gettext_lazy("摘要"), blank=True, default="")
    evidence = models.JSONField(gettext_lazy("证据"), default=dict, blank=True)

    class Meta:
        db_table = "portfolio_signals"
        verbose_name = gettext_lazy("组合风险信号")
        verbose_name_plural = gettext_lazy("组合风险信号")
        ordering = ["status", "-last_seen_on", "rule_id", "subject_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_id", "subject_key"],
                condition=Q(status="open"),
                name="portfolio_signal_one_open_per_subject",
                violation_error_message="同一规则、同一对象只能有一个未消除的组合风险信号",
            ),
            models.CheckConstraint(
                condition=Q(last_seen_on__gte=models.F("raised_on")),
                name="portfolio_signal_seen_after_raised",
                violation_error_message="最近触发日期不能早于发布日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.subject_label}"

    @property
    def is_open(self) -> bool:
        return self.status == PortfolioSignalStatus.OPEN
