"""Cross-cutting records: the audit trail and the bank's business date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class AuditEvent(models.Model):
    """Who changed which business record, when, and how (before/after)."""

    at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(gettext_lazy("操作"), max_length=64, db_index=True)
    object_type = models.CharField(gettext_lazy("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(gettext_lazy("对象编号"), max_length=128, db_index=True)
    before = models.JSONField(gettext_lazy("变更前"), null=True, blank=True)
    after = models.JSONField(gettext_lazy("变更后"), null=True, blank=True)
    reason = models.TextField(gettext_lazy("原因"), blank=True)
    batch_id = models.BigIntegerField(
        gettext_lazy("导入批次"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = gettext_lazy("审计记录")
        verbose_name_plural = gettext_lazy("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class BusinessDate(models.Model):
    """The bank's business date (数据日期): rules use it, never the wall clock.

    One row; moved forward by each successful import's as-of date, or set by an admin.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    as_of = models.DateField(gettext_lazy("业务日期"))
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("业务日期")
        verbose_name_plural = gettext_lazy("业务日期")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="single_business_date",
                violation_error_message="业务日期只有一行",
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d}"


class CalendarDay(models.Model):
    """An entry of the official working-day calendar that the `chinese-calendar` package lacks or gets
    wrong: a holiday (节假日) or a make-up working day (调休上班). Admins extend it each December when
    the State Council publishes next year's arrangement."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", gettext_lazy("节假日（休息）")
        WORKDAY = "workday", gettext_lazy("工作日（含调休上班）")

    date = models.DateField(gettext_lazy("日期"), primary_key=True)
    kind = models.CharField(gettext_lazy("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(
        gettext_lazy("名称"),
        max_length=64,
        blank=True,
        help_text=gettext_lazy("如：春节、国庆节调休"),
    )

    class Meta:
        db_table = "calendar_days"
        verbose_name = gettext_lazy("工作日历")
        verbose_name_plural = gettext_lazy("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class SettingsVersion(models.Model):
    """One saved version of a page of settings (预警阈值, 机构指标限值, 组合限额): who, when, why.

    Each subclass declares its `values` field (with its own label) and its Meta (table, names)."""

    version = models.PositiveIntegerField(gettext_lazy("版本"), unique=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(gettext_lazy("修改时间"), auto_now_add=True)
    reason = models.TextField(gettext_lazy("修改原因"))

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"第{self.version}版"
