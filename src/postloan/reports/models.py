"""问责: findings from comparing the minutes with what happened, their decision and consequences."""

from django.conf import settings
from django.db import models

from postloan.core.fields import MoneyField
from postloan.portfolio.choices import LoanClass

USER = settings.AUTH_USER_MODEL


class FindingKind(models.TextChoices):
    SOUND_REPORT = "sound_report", "汇报无风险后出现逾期/不良"
    CLAIMED_DONE = "claimed_done", "报告决议已执行后出现逾期/不良"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待认定"
    CONFIRMED = "confirmed", "已认定问责"
    DISMISSED = "dismissed", "已排除"


class ConsequenceKind(models.TextChoices):
    POINTS = "points", "积分处理"
    FINE = "fine", "经济处罚"
    NOTICE = "notice", "通报批评"
    DISCIPLINE = "discipline", "纪律处分"


class AccountabilityFinding(models.Model):
    """What the minute said (evidence of the meeting) against the later data (evidence of fact)."""

    kind = models.CharField("问责类型", max_length=16, choices=FindingKind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name="例会", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "meetings.AgendaItem", verbose_name="上会客户", on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.ForeignKey(
        "meetings.Resolution",
        verbose_name="决议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        "portfolio.Customer", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        "org.Staff",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_findings",
    )
    # The minute.
    meeting_date = models.DateField("会议日期")
    minute_text = models.TextField("纪要记载")
    recorded_class = models.CharField(
        "审议认定分类", max_length=16, choices=LoanClass.choices, blank=True, default=""
    )
    # The later data.
    later_as_of = models.DateField("后续数据日期")
    loan = models.ForeignKey(
        "portfolio.Loan", verbose_name="借据", on_delete=models.PROTECT, related_name="+"
    )
    later_dpd = models.IntegerField("逾期天数")
    later_class = models.CharField("五级分类", max_length=16, choices=LoanClass.choices)
    later_balance = MoneyField("余额", default=0)
    window_days = models.PositiveSmallIntegerField("比对期（天）")
    found_on = models.DateField("发现日期（业务日期）")
    status = models.CharField(
        "状态",
        max_length=16,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
        db_index=True,
    )
    decision_reason = models.TextField("认定/排除理由", blank=True, default="")
    decided_by = models.ForeignKey(
        USER, verbose_name="认定人", null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)

    class Meta:
        db_table = "accountability_findings"
        verbose_name = "问责发现"
        verbose_name_plural = "问责发现"
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
        verbose_name="问责发现",
        on_delete=models.PROTECT,
        related_name="consequences",
    )
    kind = models.CharField("处理方式", max_length=16, choices=ConsequenceKind.choices)
    points = models.IntegerField("扣分", null=True, blank=True)
    amount = MoneyField("罚款金额（元）", null=True, blank=True)
    note = models.TextField("说明")
    decided_by = models.ForeignKey(USER, verbose_name="决定人", on_delete=models.PROTECT)
    decided_at = models.DateTimeField("决定时间", auto_now_add=True)

    class Meta:
        db_table = "accountability_consequences"
        verbose_name = "问责处理"
        verbose_name_plural = "问责处理"
        ordering = ["finding_id", "decided_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.finding_id}"
