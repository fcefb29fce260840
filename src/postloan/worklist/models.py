"""Post-loan work items: inspections, the collection calendar, overdue collection cases.

The `inspections` table is read by the screening engine (EW-INSPECTION-OVERDUE, EW-INSPECTION):
its columns `customer_id`, `due_date`, `done_date` (null until done) and `has_problem` are a
contract with the engine — keep them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from postloan.core.fields import MoneyField
from postloan.portfolio.choices import LoanClass
from postloan.worklist import choices as ch


class Inspection(models.Model):
    """One 贷后检查 of a customer: planned with a due date, done with findings and a report."""

    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name="客户",
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name="借据",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="首次跟踪检查对应的借据",
    )
    kind = models.CharField("检查类型", max_length=16, choices=ch.InspectionKind.choices)
    reason = models.CharField("计划依据", max_length=200, blank=True, default="")
    source_ref = models.CharField("来源", max_length=64, blank=True, default="")
    assignee = models.ForeignKey(
        "org.Staff",
        verbose_name="责任客户经理",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    available_from = models.DateField("可开始日", null=True, blank=True)
    due_date = models.DateField("应检查日", db_index=True)
    done_date = models.DateField("检查日期", null=True, blank=True)
    has_problem = models.BooleanField("发现问题", default=False, db_default=False)
    mode = models.CharField(
        "检查方式", max_length=16, choices=ch.InspectionMode.choices, blank=True, default=""
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    findings = models.JSONField("检查事项", default=dict, blank=True)
    conclusion = models.CharField(
        "检查结论", max_length=16, choices=ch.Conclusion.choices, blank=True, default=""
    )
    proposed_class = models.CharField(
        "建议分类", max_length=16, choices=LoanClass.choices, blank=True, default=""
    )
    next_interval_months = models.PositiveSmallIntegerField(
        "下次检查间隔（月）", null=True, blank=True
    )
    report = models.JSONField("贷后管理定期分析报告", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        db_table = "inspections"
        verbose_name = "贷后检查"
        verbose_name_plural = "贷后检查"
        ordering = ["due_date", "customer_id"]
        indexes = [models.Index(fields=["customer", "done_date"], name="inspection_cust_done")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind="scheduled", done_date__isnull=True),
                name="one_open_scheduled_inspection",
                violation_error_message="同一客户只能有一个未完成的定期检查",
            ),
            models.UniqueConstraint(
                fields=["loan"],
                condition=Q(kind="first_followup"),
                name="one_first_followup_per_loan",
                violation_error_message="每笔借据只安排一次首次跟踪检查",
            ),
            models.UniqueConstraint(
                fields=["source_ref"],
                condition=Q(kind="adhoc"),
                name="one_adhoc_per_signal",
                violation_error_message="同一预警信号只安排一次临时检查",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.get_kind_display()} {self.due_date}"

    @property
    def is_done(self) -> bool:
        return self.done_date is not None

    def is_overdue(self, as_of) -> bool:
        return self.done_date is None and self.due_date < as_of


def attachment_path(instance, filename: str) -> str:
    return f"inspections/{instance.inspection_id}/{filename}"


class InspectionAttachment(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path)
    caption = models.CharField("说明", max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        db_table = "inspection_attachments"
        verbose_name = "检查附件"
        verbose_name_plural = "检查附件"

    def __str__(self) -> str:
        return self.file.name


class DepartmentCheck(models.Model):
    """信贷管理部门 quarterly on-site check of a front-office unit's post-loan work."""

    branch = models.ForeignKey(
        "org.Branch", verbose_name="被检查机构", on_delete=models.CASCADE, related_name="+"
    )
    quarter_start = models.DateField("季度")
    due_date = models.DateField("应完成日")
    done_date = models.DateField("完成日期", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    findings = models.TextField("检查发现", blank=True, default="")
    coverage_note = models.CharField("抽查覆盖情况", max_length=200, blank=True, default="")

    class Meta:
        db_table = "department_checks"
        verbose_name = "信贷管理部门季度检查"
        verbose_name_plural = "信贷管理部门季度检查"
        ordering = ["due_date", "branch_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "quarter_start"],
                name="one_department_check_per_quarter",
                violation_error_message="同一机构每季度只有一次检查",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.quarter_start:%Y-%m}"


class CalendarTask(models.Model):
    """A dated task of the collection calendar (本息催收): notices, funds checks, 保函 retrieval."""

    kind = models.CharField("事项", max_length=24, choices=ch.TaskKind.choices)
    customer = models.ForeignKey(
        "portfolio.Customer", verbose_name="客户", on_delete=models.CASCADE, related_name="+"
    )
    loan = models.ForeignKey(
        "portfolio.Loan", verbose_name="借据", on_delete=models.CASCADE, related_name="+"
    )
    event_date = models.DateField("到期日/结息日")
    due_date = models.DateField("应办理日", db_index=True)
    amount_due = MoneyField("应落实金额", null=True, blank=True)
    done_date = models.DateField("办理日期", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    borrower_confirmed_on = models.DateField("借款人确认日", null=True, blank=True)
    guarantor_confirmed_on = models.DateField("保证人确认日", null=True, blank=True)
    result = models.JSONField("办理结果", default=dict, blank=True)
    note = models.TextField("备注", blank=True, default="")

    class Meta:
        db_table = "collection_calendar"
        verbose_name = "本息催收日历"
        verbose_name_plural = "本息催收日历"
        ordering = ["due_date", "loan_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "loan", "event_date"],
                name="one_calendar_task_per_event",
                violation_error_message="同一借据同一到期事项只有一条",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.loan_id} {self.event_date}"

    @property
    def is_funds_check(self) -> bool:
        return self.kind in ch.FUNDS_TASKS


class UnassignedFlag(models.Model):
    """人户合一: a customer with an asset but no account manager, flagged daily until assigned."""

    customer = models.OneToOneField(
        "portfolio.Customer", verbose_name="客户", on_delete=models.CASCADE, related_name="+"
    )
    first_flagged_on = models.DateField("首次标记日")
    last_flagged_on = models.DateField("最近标记日")
    days_flagged = models.PositiveIntegerField("已标记天数", default=1)
    resolved_on = models.DateField("已分配日", null=True, blank=True)

    class Meta:
        db_table = "unassigned_flags"
        verbose_name = "未分配客户经理标记"
        verbose_name_plural = "未分配客户经理标记"

    def __str__(self) -> str:
        return self.customer_id


class CollectionCase(models.Model):
    """逾期催收: one open case per overdue customer."""

    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name="客户",
        on_delete=models.CASCADE,
        related_name="collection_cases",
    )
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_on = models.DateField("立案日")
    dpd_at_open = models.PositiveIntegerField("立案时逾期天数", default=0)
    overdue_at_open = MoneyField("立案时逾期金额", default=0)
    status = models.CharField(
        "状态", max_length=8, choices=ch.CaseStatus.choices, default=ch.CaseStatus.OPEN
    )
    closed_on = models.DateField("结案日", null=True, blank=True)
    outcome = models.CharField(
        "结果", max_length=16, choices=ch.CaseOutcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField("结案说明", blank=True, default="")

    class Meta:
        db_table = "collection_cases"
        verbose_name = "逾期催收"
        verbose_name_plural = "逾期催收"
        ordering = ["-opened_on", "customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="open"),
                name="one_open_collection_case",
                violation_error_message="同一客户只能有一个催收中的案件",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.opened_on}"


class CollectionAction(models.Model):
    case = models.ForeignKey(
        CollectionCase, verbose_name="催收案件", on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField("催收方式", max_length=8, choices=ch.ActionKind.choices)
    action_date = models.DateField("催收日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.TextField("催收结果")
    next_action_date = models.DateField("下次跟进日", null=True, blank=True)

    class Meta:
        db_table = "collection_actions"
        verbose_name = "催收记录"
        verbose_name_plural = "催收记录"
        ordering = ["-action_date", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.action_date}"


class PromiseToPay(models.Model):
    case = models.ForeignKey(
        CollectionCase, verbose_name="催收案件", on_delete=models.CASCADE, related_name="promises"
    )
    made_on = models.DateField("承诺日期")
    amount = MoneyField("承诺还款金额")
    promised_date = models.DateField("承诺还款日")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "promises_to_pay"
        verbose_name = "还款承诺"
        verbose_name_plural = "还款承诺"
        ordering = ["promised_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="promise_amount_positive",
                violation_error_message="承诺还款金额必须大于0",
            ),
            models.CheckConstraint(
                condition=Q(promised_date__gte=models.F("made_on")),
                name="promise_after_made",
                violation_error_message="承诺还款日不能早于承诺日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount} {self.promised_date}"
