"""问责: findings from comparing the minutes with what happened, their decision and consequences."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from postloan.core.fields import MoneyField
from postloan.portfolio.choices import LoanClass

USER = settings.AUTH_USER_MODEL


class FindingKind(models.TextChoices):
    SOUND_REPORT = "sound_report", gettext_lazy("汇报无风险后出现逾期/不良")
    CLAIMED_DONE = "claimed_done", gettext_lazy("报告决议已执行后出现逾期/不良")


class FindingStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("待认定")
    CONFIRMED = "confirmed", gettext_lazy("已认定问责")
    DISMISSED = "dismissed", gettext_lazy("已排除")


class ConsequenceKind(models.TextChoices):
    POINTS = "points", gettext_lazy("积分处理")
    FINE = "fine", gettext_lazy("经济处罚")
    NOTICE = "notice", gettext_lazy("通报批评")
    DISCIPLINE = "discipline", gettext_lazy("纪律处分")


class AccountabilityFinding(models.Model):
    """What the minute said (evidence of the meeting) against the later data (evidence of fact)."""

    kind = models.CharField(gettext_lazy("问责类型"), max_length=16, choices=FindingKind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=gettext_lazy("例会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=gettext_lazy("上会客户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.ForeignKey(
        "meetings.Resolution",
        verbose_name=gettext_lazy("决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_findings",
    )
    # The minute.
    meeting_date = models.DateField(gettext_lazy("会议日期"))
    minute_text = models.TextField(gettext_lazy("纪要记载"))
    recorded_class = models.CharField(
        gettext_lazy("审议认定分类"),
        max_length=16,
        choices=LoanClass.choices,
        blank=True,
        default="",
    )
    # The later data.
    later_as_of = models.DateField(gettext_lazy("后续数据日期"))
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    later_dpd = models.IntegerField(gettext_lazy("逾期天数"))
    later_class = models.CharField(
        gettext_lazy("五级分类"), max_length=16, choices=LoanClass.choices
    )
    later_balance = MoneyField(gettext_lazy("余额"), default=0)
    window_days = models.PositiveSmallIntegerField(gettext_lazy("比对期（天）"))
    found_on = models.DateField(gettext_lazy("发现日期（业务日期）"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
        db_index=True,
    )
    decision_reason = models.TextField(gettext_lazy("认定/排除理由"), blank=True, default="")
    decided_by = models.ForeignKey(
        USER, verbose_name=gettext_lazy("认定人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(gettext_lazy("认定时间"), null=True, blank=True)

    class Meta:
        db_table = "accountability_findings"
        verbose_name = gettext_lazy("问责发现")
        verbose_name_plural = gettext_lazy("问责发现")
        ordering = ["responsible_id", "-later_as_of", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "item"],
                condition=models.Q(resolution__isnull=True),
                name="finding_once_per_item",
            ),
            models.UniqueConstraint(
                fields=["kind", "resolution"],
                condition=models.Q(resolution__isnull=False),
                name="finding_once_per_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_id}"


class AccountabilityConsequence(models.Model):
    """A consequence the risk department decided for a confirmed finding (seed: 积分处理 …)."""

    finding = models.ForeignKey(
        AccountabilityFinding,
        verbose_name=gettext_lazy("问责发现"),
        on_delete=models.PROTECT,
        related_name="consequences",
    )
    kind = models.CharField(
        gettext_lazy("处理方式"), max_length=16, choices=ConsequenceKind.choices
    )
    points = models.IntegerField(gettext_lazy("扣分"), null=True, blank=True)
    amount = MoneyField(gettext_lazy("罚款金额（元）"), null=True, blank=True)
    note = models.TextField(gettext_lazy("说明"))
    decided_by = models.ForeignKey(
        USER, verbose_name=gettext_lazy("决定人"), on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(gettext_lazy("决定时间"), auto_now_add=True)

    class Meta:
        db_table = "accountability_consequences"
        verbose_name = gettext_lazy("问责处理")
        verbose_name_plural = gettext_lazy("问责处理")
        ordering = ["finding_id", "decided_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.finding_id}"
