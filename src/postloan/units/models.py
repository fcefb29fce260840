"""停复牌: a unit's post-loan risk indicators per business day against limits, the unit-level
alerts its managing unit receives, and the suspension of its new business for a product line.

State changes go through `postloan.units.actions`; every one is audited.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from postloan.core.models import SettingsVersion
from postloan.units import choices as ch

USER = settings.AUTH_USER_MODEL


class LimitVersion(SettingsVersion):
    """One version of every indicator limit; the current one is the latest (like the
    early-warning thresholds: who, when and why are kept)."""

    values = models.JSONField(gettext_lazy("限值"))

    class Meta(SettingsVersion.Meta):
        db_table = "unit_limit_versions"
        verbose_name = gettext_lazy("机构风险指标限值版本")
        verbose_name_plural = gettext_lazy("机构风险指标限值版本")


class UnitIndicator(models.Model):
    """A unit's indicators on one business date (its whole subtree), with the limits applied."""

    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("机构"),
        on_delete=models.CASCADE,
        related_name="+",
        db_column="branch_code",
    )
    as_of = models.DateField(gettext_lazy("业务日期"))
    values = models.JSONField(gettext_lazy("指标值"), default=dict)
    breaches = models.JSONField(gettext_lazy("超限指标"), default=list)
    limit_version = models.PositiveIntegerField(gettext_lazy("限值版本"), null=True, blank=True)

    class Meta:
        db_table = "unit_indicators"
        verbose_name = gettext_lazy("机构风险指标")
        verbose_name_plural = gettext_lazy("机构风险指标")
        ordering = ["-as_of", "branch_id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "as_of"], name="unit_indicator_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.as_of}"


class UnitAlert(models.Model):
    """A unit-level signal to the managing unit: one indicator of the unit over its limit,
    open while it stays over, cleared on the first day it is back within."""

    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("机构"),
        on_delete=models.CASCADE,
        related_name="+",
        db_column="branch_code",
    )
    managing = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("管理行"),
        on_delete=models.CASCADE,
        related_name="+",
        db_column="managing_code",
    )
    indicator = models.CharField(gettext_lazy("指标"), max_length=24, choices=ch.INDICATOR_LABELS)
    value = models.DecimalField(gettext_lazy("指标值"), max_digits=9, decimal_places=4)
    limit = models.DecimalField(gettext_lazy("限值"), max_digits=9, decimal_places=4)
    raised_on = models.DateField(gettext_lazy("发布日期"))
    last_seen_on = models.DateField(gettext_lazy("最近超限日期"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=8,
        choices=ch.AlertStatus.choices,
        default=ch.AlertStatus.OPEN,
    )
    cleared_on = models.DateField(gettext_lazy("解除日期"), null=True, blank=True)

    class Meta:
        db_table = "unit_alerts"
        verbose_name = gettext_lazy("机构风险预警")
        verbose_name_plural = gettext_lazy("机构风险预警")
        ordering = ["-raised_on", "branch_id", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "indicator"],
                condition=Q(status="open"),
                name="unit_alert_one_open_per_indicator",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.indicator}"


class Suspension(models.Model):
    """停牌 of a unit's new business for a product line, and its 复牌: each step by the managing
    unit's risk department, proposed by one person and approved by another (四眼原则)."""

    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("被停牌机构"),
        on_delete=models.PROTECT,
        related_name="+",
        db_column="branch_code",
    )
    managing = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("管理行"),
        on_delete=models.PROTECT,
        related_name="+",
        db_column="managing_code",
    )
    product = models.CharField(
        gettext_lazy("产品"), max_length=24, choices=ch.PRODUCT_LINES, default=ch.ALL_PRODUCTS
    )
    reason = models.TextField(gettext_lazy("停牌原因"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.SuspensionStatus.choices,
        default=ch.SuspensionStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        USER, verbose_name=gettext_lazy("提议人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField(gettext_lazy("提议日期"))
    approved_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("停牌审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suspended_on = models.DateField(gettext_lazy("停牌日期"), null=True, blank=True)
    resume_proposed_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("复牌提议人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resume_note = models.TextField(gettext_lazy("复牌说明"), blank=True, default="")
    resume_approved_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("复牌审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resumed_on = models.DateField(gettext_lazy("复牌日期"), null=True, blank=True)

    class Meta:
        db_table = "unit_suspensions"
        verbose_name = gettext_lazy("停复牌")
        verbose_name_plural = gettext_lazy("停复牌")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "product"],
                condition=Q(status__in=["proposed", "suspended", "resume_proposed"]),
                name="unit_suspension_one_open_per_product",
                violation_error_message="该机构该产品已有未结束的停牌",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="unit_suspension_four_eyes",
                violation_error_message="停牌审批人不能是提议人（四眼原则）",
            ),
            models.CheckConstraint(
                condition=Q(resume_approved_by__isnull=True)
                | ~Q(resume_approved_by=models.F("resume_proposed_by")),
                name="unit_resumption_four_eyes",
                violation_error_message="复牌审批人不能是复牌提议人（四眼原则）",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.get_product_display()} {self.get_status_display()}"

    @property
    def in_force(self) -> bool:
        return self.status in ch.IN_FORCE


class RectificationTask(models.Model):
    """One rectification task of a suspension: done by the unit, verified by the managing unit."""

    suspension = models.ForeignKey(
        Suspension,
        verbose_name=gettext_lazy("停牌"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    text = models.TextField(gettext_lazy("整改要求"))
    done_note = models.TextField(gettext_lazy("整改情况"), blank=True, default="")
    done_on = models.DateField(gettext_lazy("整改完成日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("验证人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_on = models.DateField(gettext_lazy("验证日期"), null=True, blank=True)

    class Meta:
        db_table = "unit_rectification_tasks"
        verbose_name = gettext_lazy("停牌整改任务")
        verbose_name_plural = gettext_lazy("停牌整改任务")
        ordering = ["suspension_id", "id"]

    def __str__(self) -> str:
        return self.text[:40]
