"""Post-loan work items: inspections, the collection calendar, overdue collection cases.

The `inspections` table is read by the screening engine (EW-INSPECTION-OVERDUE, EW-INSPECTION):
its columns `customer_id`, `due_date`, `done_date` (null until done) and `has_problem` are a
contract with the engine — keep them.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from postloan.core.fields import MoneyField
from postloan.portfolio.choices import LoanClass
from postloan.worklist import choices as ch

LOCKED_MESSAGE = "该检查已完成并锁定，不能修改；如需更正，请在检查页面提交更正记录"


class InspectionLocked(ValidationError):
    def __init__(self, message: str = LOCKED_MESSAGE):
        super().__init__(message)


class InspectionQuerySet(models.QuerySet):
    """Bulk `update()`/`delete()` refuse completed inspections too (only `has_problem`, which
    follows the amendments, may change). The database refuses the same (trigger of migration
    0002): a raw statement cannot change a completed inspection either."""

    def update(self, **kwargs):
        if (
            set(kwargs) - Inspection.FOLLOW_UP_FIELDS
            and self.filter(done_date__isnull=False).exists()
        ):
            raise InspectionLocked()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(done_date__isnull=False).exists():
            raise InspectionLocked()
        return super().delete()


class Inspection(models.Model):
    """One 贷后检查 of a customer: planned with a due date, done with findings and a report.

    Completed, it is locked (`save`, bulk `update`/`delete`, the admin and the database refuse
    changes); corrections are `InspectionAmendment` rows shown after the original record.
    """

    # Derived from the findings and their amendments, read by the screening engine.
    FOLLOW_UP_FIELDS = frozenset({"has_problem"})

    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("首次跟踪检查对应的借据"),
    )
    kind = models.CharField(
        gettext_lazy("检查类型"), max_length=16, choices=ch.InspectionKind.choices
    )
    reason = models.CharField(gettext_lazy("计划依据"), max_length=200, blank=True, default="")
    source_ref = models.CharField(gettext_lazy("来源"), max_length=64, blank=True, default="")
    assignee = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("责任客户经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    available_from = models.DateField(gettext_lazy("可开始日"), null=True, blank=True)
    due_date = models.DateField(gettext_lazy("应检查日"), db_index=True)
    done_date = models.DateField(gettext_lazy("检查日期"), null=True, blank=True)
    has_problem = models.BooleanField(gettext_lazy("发现问题"), default=False, db_default=False)
    mode = models.CharField(
        gettext_lazy("检查方式"),
        max_length=16,
        choices=ch.InspectionMode.choices,
        blank=True,
        default="",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("检查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    findings = models.JSONField(gettext_lazy("检查事项"), default=dict, blank=True)
    conclusion = models.CharField(
        gettext_lazy("检查结论"),
        max_length=16,
        choices=ch.Conclusion.choices,
        blank=True,
        default="",
    )
    proposed_class = models.CharField(
        gettext_lazy("建议分类"), max_length=16, choices=LoanClass.choices, blank=True, default=""
    )
    next_interval_months = models.PositiveSmallIntegerField(
        gettext_lazy("下次检查间隔（月）"), null=True, blank=True
    )
    report = models.JSONField(gettext_lazy("贷后管理定期分析报告"), default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("创建时间"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        db_table = "inspections"
        verbose_name = gettext_lazy("贷后检查")
        verbose_name_plural = gettext_lazy("贷后检查")
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

    def save(self, *args, **kwargs):
        if self.pk is not None and self._stored_done():
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.FOLLOW_UP_FIELDS:
                raise InspectionLocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and self._stored_done():
            raise InspectionLocked()
        return super().delete(*args, **kwargs)

    def _stored_done(self) -> bool:
        return Inspection.objects.filter(pk=self.pk, done_date__isnull=False).exists()

    @property
    def is_done(self) -> bool:
        return self.done_date is not None

    def is_overdue(self, as_of) -> bool:
        return self.done_date is None and self.due_date < as_of

    def effective_findings(self, amendments=None) -> dict:
        """The findings as recorded, with each amendment's corrected items applied in order."""
        out = {code: dict(item) for code, item in self.findings.items()}
        for amendment in self.amendments.all() if amendments is None else amendments:
            for code, item in amendment.corrected_items.items():
                out[code] = dict(out.get(code, {}), **item, amended_by=amendment.number)
        return out

    def effective_conclusion(self, amendments=None) -> str:
        conclusion = self.conclusion
        for amendment in self.amendments.all() if amendments is None else amendments:
            conclusion = amendment.corrected_conclusion or conclusion
        return conclusion


PHOTO_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def attachment_path(instance, filename: str) -> str:
    """A generated name: the uploaded file's own name is never used on disk."""
    ext = PHOTO_EXTENSIONS.get(instance.content_type, ".bin")
    return f"inspections/{instance.inspection_id}/{uuid.uuid4().hex}{ext}"


class InspectionAmendment(models.Model):
    """A correction of a completed (locked) inspection: the original stays as recorded."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=gettext_lazy("检查"),
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    number = models.PositiveSmallIntegerField(gettext_lazy("更正序号"))
    reason = models.CharField(gettext_lazy("更正原因"), max_length=200)
    text = models.TextField(gettext_lazy("更正内容"))
    corrected_items = models.JSONField(gettext_lazy("更正的检查事项"), default=dict, blank=True)
    corrected_conclusion = models.CharField(
        gettext_lazy("更正后的检查结论"),
        max_length=16,
        choices=ch.Conclusion.choices,
        blank=True,
        default="",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("更正人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("更正时间"), auto_now_add=True)

    class Meta:
        db_table = "inspection_amendments"
        verbose_name = gettext_lazy("贷后检查更正记录")
        verbose_name_plural = gettext_lazy("贷后检查更正记录")
        ordering = ["inspection_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"],
                name="one_amendment_number_per_inspection",
                violation_error_message="同一检查的更正序号不能重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} 更正{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(gettext("更正记录提交后不能修改；如有错误请再提交一条更正"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(gettext("更正记录不能删除"))

    def describe_corrections(self) -> str:
        """ "生产经营状况：异常（订单锐减）；结论：关注" — what this amendment corrects."""
        labels, statuses = dict(ch.CHECK_ITEMS), dict(ch.ItemStatus.choices)
        parts = [
            f"{labels.get(code, code)}：{statuses.get(item.get('status'), '')}"
            + (f"（{item['note']}）" if item.get("note") else "")
            for code, item in self.corrected_items.items()
        ]
        if self.corrected_conclusion:
            parts.append(f"结论：{self.get_corrected_conclusion_display()}")
        return "；".join(parts)


class InspectionAttachment(models.Model):
    """A photo of an inspection, checked by content, stored under a generated name, with the
    time it was taken and, where the photo carries it, where (EXIF)."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=gettext_lazy("检查"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    amendment = models.ForeignKey(
        InspectionAmendment,
        verbose_name=gettext_lazy("随更正记录提交"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    file = models.FileField(gettext_lazy("文件"), upload_to=attachment_path)
    caption = models.CharField(gettext_lazy("说明"), max_length=200, blank=True, default="")
    content_type = models.CharField(gettext_lazy("文件类型"), max_length=40, blank=True, default="")
    size = models.PositiveIntegerField(gettext_lazy("大小（字节）"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, default="")
    width = models.PositiveIntegerField(gettext_lazy("宽（像素）"), null=True, blank=True)
    height = models.PositiveIntegerField(gettext_lazy("高（像素）"), null=True, blank=True)
    taken_at = models.DateTimeField(gettext_lazy("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(
        gettext_lazy("纬度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        gettext_lazy("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(gettext_lazy("上传时间"), auto_now_add=True)

    class Meta:
        db_table = "inspection_attachments"
        verbose_name = gettext_lazy("检查照片")
        verbose_name_plural = gettext_lazy("检查照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} 照片{self.pk}"

    @property
    def is_photo(self) -> bool:
        return self.content_type in PHOTO_EXTENSIONS

    @property
    def download_name(self) -> str:
        ext = PHOTO_EXTENSIONS.get(self.content_type, ".bin")
        return f"检查照片-{self.inspection_id}-{self.pk}{ext}"


class DepartmentCheck(models.Model):
    """信贷管理部门 quarterly on-site check of a front-office unit's post-loan work."""

    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("被检查机构"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    quarter_start = models.DateField(gettext_lazy("季度"))
    due_date = models.DateField(gettext_lazy("应完成日"))
    done_date = models.DateField(gettext_lazy("完成日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    findings = models.TextField(gettext_lazy("检查发现"), blank=True, default="")
    coverage_note = models.CharField(
        gettext_lazy("抽查覆盖情况"), max_length=200, blank=True, default=""
    )

    class Meta:
        db_table = "department_checks"
        verbose_name = gettext_lazy("信贷管理部门季度检查")
        verbose_name_plural = gettext_lazy("信贷管理部门季度检查")
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

    kind = models.CharField(gettext_lazy("事项"), max_length=24, choices=ch.TaskKind.choices)
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    event_date = models.DateField(gettext_lazy("到期日/结息日"))
    due_date = models.DateField(gettext_lazy("应办理日"), db_index=True)
    amount_due = MoneyField(gettext_lazy("应落实金额"), null=True, blank=True)
    done_date = models.DateField(gettext_lazy("办理日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    borrower_confirmed_on = models.DateField(gettext_lazy("借款人确认日"), null=True, blank=True)
    guarantor_confirmed_on = models.DateField(gettext_lazy("保证人确认日"), null=True, blank=True)
    result = models.JSONField(gettext_lazy("办理结果"), default=dict, blank=True)
    note = models.TextField(gettext_lazy("备注"), blank=True, default="")

    class Meta:
        db_table = "collection_calendar"
        verbose_name = gettext_lazy("本息催收日历")
        verbose_name_plural = gettext_lazy("本息催收日历")
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
    """人户合一: a customer with an asset but no account manager — or (持证上岗) a manager without
    a certificate valid on the business date — flagged daily until put right."""

    customer = models.OneToOneField(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    first_flagged_on = models.DateField(gettext_lazy("首次标记日"))
    last_flagged_on = models.DateField(gettext_lazy("最近标记日"))
    days_flagged = models.PositiveIntegerField(gettext_lazy("已标记天数"), default=1)
    resolved_on = models.DateField(gettext_lazy("已分配日"), null=True, blank=True)
    reason = models.CharField(
        gettext_lazy("原因"),
        max_length=12,
        choices=ch.UnassignedReason.choices,
        default=ch.UnassignedReason.NO_MANAGER,
        db_default=ch.UnassignedReason.NO_MANAGER,
    )
    manager = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("管户客户经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "unassigned_flags"
        verbose_name = gettext_lazy("未分配客户经理标记")
        verbose_name_plural = gettext_lazy("未分配客户经理标记")

    def __str__(self) -> str:
        return self.customer_id


class CollectionCase(models.Model):
    """逾期催收: one open case per overdue customer."""

    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="collection_cases",
    )
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_on = models.DateField(gettext_lazy("立案日"))
    dpd_at_open = models.PositiveIntegerField(gettext_lazy("立案时逾期天数"), default=0)
    overdue_at_open = MoneyField(gettext_lazy("立案时逾期金额"), default=0)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=8,
        choices=ch.CaseStatus.choices,
        default=ch.CaseStatus.OPEN,
    )
    closed_on = models.DateField(gettext_lazy("结案日"), null=True, blank=True)
    outcome = models.CharField(
        gettext_lazy("结果"), max_length=16, choices=ch.CaseOutcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField(gettext_lazy("结案说明"), blank=True, default="")

    class Meta:
        db_table = "collection_cases"
        verbose_name = gettext_lazy("逾期催收")
        verbose_name_plural = gettext_lazy("逾期催收")
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
        CollectionCase,
        verbose_name=gettext_lazy("催收案件"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    kind = models.CharField(gettext_lazy("催收方式"), max_length=8, choices=ch.ActionKind.choices)
    action_date = models.DateField(gettext_lazy("催收日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.TextField(gettext_lazy("催收结果"))
    next_action_date = models.DateField(gettext_lazy("下次跟进日"), null=True, blank=True)

    class Meta:
        db_table = "collection_actions"
        verbose_name = gettext_lazy("催收记录")
        verbose_name_plural = gettext_lazy("催收记录")
        ordering = ["-action_date", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()} {self.action_date}"


class PromiseToPay(models.Model):
    case = models.ForeignKey(
        CollectionCase,
        verbose_name=gettext_lazy("催收案件"),
        on_delete=models.CASCADE,
        related_name="promises",
    )
    made_on = models.DateField(gettext_lazy("承诺日期"))
    amount = MoneyField(gettext_lazy("承诺还款金额"))
    promised_date = models.DateField(gettext_lazy("承诺还款日"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "promises_to_pay"
        verbose_name = gettext_lazy("还款承诺")
        verbose_name_plural = gettext_lazy("还款承诺")
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


class FollowUp(models.Model):
    """A to-do the data cannot settle, for the account manager: confirm an approval condition
    the screening could not test (达标/违约, with evidence, once per test period), or bring a
    missing credit-file item into the file. Planned by `plan_worklist`, done by
    `actions.complete_follow_up` (atomic, audited)."""

    kind = models.CharField(gettext_lazy("事项"), max_length=16, choices=ch.FollowUpKind.choices)
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # the covenant id, or `<loan_id>/<item>` of a credit-file item
    ref = models.CharField(gettext_lazy("对象"), max_length=64)
    period_start = models.DateField(gettext_lazy("检测期起"))
    title = models.CharField(gettext_lazy("内容"), max_length=300)
    due_date = models.DateField(gettext_lazy("应办理日"), db_index=True)
    assignee = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("责任客户经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_date = models.DateField(gettext_lazy("办理日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        gettext_lazy("办理结果"),
        max_length=16,
        choices=ch.FollowUpOutcome.choices,
        blank=True,
        default="",
    )
    evidence = models.TextField(gettext_lazy("证明材料说明"), blank=True, default="")
    created_on = models.DateField(gettext_lazy("生成日期"))

    class Meta:
        db_table = "worklist_follow_ups"
        verbose_name = gettext_lazy("核实与补齐事项")
        verbose_name_plural = gettext_lazy("核实与补齐事项")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ref", "period_start"],
                name="one_follow_up_per_period",
                violation_error_message="同一事项同一检测期只有一条",
            ),
            models.CheckConstraint(
                condition=Q(done_date__isnull=True) | (~Q(outcome="") & ~Q(evidence="")),
                name="follow_up_done_with_outcome_and_evidence",
                violation_error_message="办结须有办理结果和证明材料说明",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_id} {self.ref}"
