"""The post-loan management meeting: committee, meetings, agenda, record, resolutions, signatures.

Signed records are locked: `LockedRecord.save()` and `delete()` refuse any change of a locked row
except its follow-up fields (a resolution's execution status); the admin is read-only for them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from postloan.core import evidence
from postloan.core.fields import MoneyField
from postloan.meetings import choices as ch
from postloan.meetings.errors import RecordLocked
from postloan.meetings.resolution_kinds import registry as resolution_kinds
from postloan.org.choices import DEPARTMENT_CHOICES
from postloan.portfolio.choices import LoanClass

USER = settings.AUTH_USER_MODEL


class LockedQuerySet(models.QuerySet):
    """Bulk `update()`/`delete()` refuse to touch locked rows too (only follow-up fields pass)."""

    def _locked_rows(self):
        return self.filter(self.model.locked_q()).exists()

    def update(self, **kwargs):
        if set(kwargs) - self.model.FOLLOW_UP_FIELDS and self._locked_rows():
            raise RecordLocked()
        return super().update(**kwargs)

    def delete(self):
        if self._locked_rows():
            raise RecordLocked()
        return super().delete()


def _meeting_locked_q(prefix: str = "") -> models.Q:
    return models.Q(**{f"{prefix}status": ch.MeetingStatus.SIGNED}) | models.Q(
        **{f"{prefix}signatures__isnull": False}
    )


class LockedRecord(models.Model):
    """A row that becomes read-only once its meeting record is signed."""

    FOLLOW_UP_FIELDS: frozenset[str] = frozenset()

    objects = LockedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._stored_locked():
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.FOLLOW_UP_FIELDS:
                raise RecordLocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_locked():
            raise RecordLocked()
        return super().delete(*args, **kwargs)

    @classmethod
    def locked_q(cls) -> models.Q:
        return _meeting_locked_q("meeting__")

    def is_locked(self) -> bool:  # pragma: no cover - overridden
        return False

    def _stored_locked(self) -> bool:
        if self.pk is None:
            return False
        stored = type(self).objects.filter(pk=self.pk).first()
        return stored is not None and stored.is_locked()


class MeetingSettings(models.Model):
    """The meeting rules as settings: one global row (branch empty) and optional per-unit rows."""

    branch = models.OneToOneField(
        "org.Branch",
        verbose_name=gettext_lazy("机构（空为全行默认）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_settings",
    )
    large_credit_threshold = MoneyField(
        gettext_lazy("按月审议授信额度（元，含）"), default=10_000_000
    )
    quarter_months = models.CharField(
        gettext_lazy("季度审议月份"), max_length=40, default="3,6,9,12"
    )
    notice_working_days = models.PositiveSmallIntegerField(
        gettext_lazy("提前通知工作日数"), default=7
    )
    report_working_days = models.PositiveSmallIntegerField(
        gettext_lazy("汇报材料提交截止（会前工作日数）"), default=2
    )
    quorum_ratio = models.DecimalField(
        gettext_lazy("法定人数比例（出席委员须超过）"), max_digits=4, decimal_places=3, default=0.5
    )
    presider_must_be_chair = models.BooleanField(
        gettext_lazy("须主任或副主任委员主持"), default=True
    )
    min_members_branch = models.PositiveSmallIntegerField(
        gettext_lazy("分行委员最少人数"), default=7
    )
    min_members_sub_branch = models.PositiveSmallIntegerField(
        gettext_lazy("支行委员最少人数"), default=5
    )
    individual_min_years = models.PositiveSmallIntegerField(
        gettext_lazy("个人委员最少信贷从业年限"), default=5
    )
    finding_lookback_days = models.PositiveSmallIntegerField(
        gettext_lazy("检查发现/政策影响回溯天数"), default=90
    )
    reminder_days = models.PositiveSmallIntegerField(gettext_lazy("决议到期前提醒天数"), default=5)
    updated_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(gettext_lazy("修改时间"), auto_now=True)

    class Meta:
        db_table = "meeting_settings"
        verbose_name = gettext_lazy("例会设置")
        verbose_name_plural = gettext_lazy("例会设置")

    def __str__(self) -> str:
        return f"例会设置（{self.branch or '全行默认'}）"

    def quarter_month_set(self) -> set[int]:
        return {int(m) for m in self.quarter_months.replace("，", ",").split(",") if m.strip()}


def certificate_path(instance, filename: str) -> str:
    return evidence.generated_name("meetings/certificates", filename)


def claim_evidence_path(instance, filename: str) -> str:
    return evidence.generated_name("meetings/evidence", filename)


class Committee(models.Model):
    branch = models.OneToOneField(
        "org.Branch",
        verbose_name=gettext_lazy("机构"),
        on_delete=models.PROTECT,
        related_name="committee",
    )
    established_on = models.DateField(gettext_lazy("成立日期"), null=True, blank=True)
    note = models.TextField(gettext_lazy("说明"), blank=True, default="")

    class Meta:
        db_table = "meeting_committees"
        verbose_name = gettext_lazy("贷后管理例会委员会")
        verbose_name_plural = gettext_lazy("贷后管理例会委员会")

    def __str__(self) -> str:
        return f"{self.branch.name}贷后管理例会"

    def active_members(self):
        return self.members.filter(active=True).select_related("staff", "staff__user")

    def chair_member(self):
        return self.active_members().filter(role=ch.MemberRole.CHAIR).first()


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        Committee,
        verbose_name=gettext_lazy("委员会"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("委员"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(gettext_lazy("委员类别"), max_length=16, choices=ch.MemberRole.choices)
    active = models.BooleanField(gettext_lazy("在任"), default=True)
    joined_on = models.DateField(gettext_lazy("任职日期"), null=True, blank=True)
    left_on = models.DateField(gettext_lazy("卸任日期"), null=True, blank=True)
    basis = models.CharField(
        gettext_lazy("个人委员资格依据"),
        max_length=16,
        choices=ch.QualificationBasis.choices,
        blank=True,
        default="",
    )
    certified_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("资格认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    certified_at = models.DateTimeField(gettext_lazy("资格认定时间"), null=True, blank=True)
    certificate_no = models.CharField(
        gettext_lazy("认定文书编号"), max_length=64, blank=True, default=""
    )
    certificate_file = models.FileField(
        gettext_lazy("资格认定文书"), upload_to=certificate_path, blank=True
    )
    certificate_file_name = models.CharField(
        gettext_lazy("认定文书原文件名"), max_length=200, blank=True, default=""
    )

    class Meta:
        db_table = "meeting_committee_members"
        verbose_name = gettext_lazy("委员")
        verbose_name_plural = gettext_lazy("委员")
        ordering = ["committee_id", "role", "staff_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "staff"],
                name="committee_member_once",
                violation_error_message="同一员工在同一委员会只能任一个委员职务",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff.name}（{self.get_role_display()}）"

    @property
    def is_certified(self) -> bool:
        return self.certified_at is not None and bool(self.certificate_file)


class Meeting(LockedRecord):
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=gettext_lazy("召开机构"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(gettext_lazy("例会类型"), max_length=16, choices=ch.MeetingKind.choices)
    date = models.DateField(gettext_lazy("会议日期"), db_index=True)
    location = models.CharField(gettext_lazy("地点"), max_length=120, blank=True, default="")
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.MeetingStatus.choices,
        default=ch.MeetingStatus.PLANNED,
    )
    notice_due = models.DateField(gettext_lazy("最迟通知日"))
    report_deadline = models.DateField(gettext_lazy("汇报材料提交截止日"))
    noticed_on = models.DateField(gettext_lazy("通知发出日"), null=True, blank=True)
    presiding = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("会议主持人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    president = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("行长（签署人）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=gettext_lazy("开会时按机构记录确定，此后委员会变动不影响签署人"),
    )
    quorum_met = models.BooleanField(gettext_lazy("达到法定人数"), default=False)
    ad_hoc_reason = models.TextField(
        gettext_lazy("临时召开事由（突发风险事件）"), blank=True, default=""
    )
    quality_report = models.TextField(
        gettext_lazy("全行近期信贷资产质量整体报告"), blank=True, default=""
    )
    risk_findings = models.TextField(
        gettext_lazy("风险经理通报的问题及整改要求"), blank=True, default=""
    )
    execution_report = models.TextField(
        gettext_lazy("前次例会决议执行情况"), blank=True, default=""
    )
    chair_summary = models.TextField(gettext_lazy("主任委员总结"), blank=True, default="")
    created_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("安排人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("安排时间"), auto_now_add=True)
    closed_at = models.DateTimeField(gettext_lazy("闭会时间"), null=True, blank=True)
    signed_at = models.DateTimeField(gettext_lazy("签署完成时间"), null=True, blank=True)

    class Meta:
        db_table = "meetings"
        verbose_name = gettext_lazy("贷后管理例会")
        verbose_name_plural = gettext_lazy("贷后管理例会")
        ordering = ["-date", "branch_id"]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.date:%Y-%m-%d} {self.get_kind_display()}"

    FOLLOW_UP_FIELDS = frozenset({"status", "signed_at"})

    @classmethod
    def locked_q(cls) -> models.Q:
        return _meeting_locked_q()

    def is_locked(self) -> bool:
        """Locked from the first signature on (the signed content must not change)."""
        if self.status == ch.MeetingStatus.SIGNED:
            return True
        return self.pk is not None and self.signatures.filter(amendment__isnull=True).exists()


class AgendaItem(LockedRecord):
    meeting = models.ForeignKey(
        Meeting, verbose_name=gettext_lazy("例会"), on_delete=models.CASCADE, related_name="items"
    )
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reasons = models.JSONField(gettext_lazy("上会原因"), default=list)
    batch = models.BooleanField(gettext_lazy("批量审议"), default=False)
    rank = models.PositiveIntegerField(gettext_lazy("排序"))
    credit = MoneyField(gettext_lazy("授信/用信"), default=0)
    dropped = models.BooleanField(gettext_lazy("已撤下"), default=False)
    # The record of the deliberation.
    summary = models.TextField(gettext_lazy("审议情况"), blank=True, default="")
    class_before = models.CharField(
        gettext_lazy("会前分类"), max_length=16, choices=LoanClass.choices, blank=True, default=""
    )
    class_decided = models.CharField(
        gettext_lazy("审议认定分类"),
        max_length=16,
        choices=LoanClass.choices,
        blank=True,
        default="",
    )
    method = models.CharField(
        gettext_lazy("决策方式"),
        max_length=16,
        choices=ch.DecisionMethod.choices,
        blank=True,
        default="",
    )
    votes_for = models.PositiveSmallIntegerField(gettext_lazy("同意票"), default=0)
    votes_against = models.PositiveSmallIntegerField(gettext_lazy("反对票"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(gettext_lazy("弃权票"), default=0)
    dissent = models.TextField(gettext_lazy("不同意见"), blank=True, default="")
    dissenters = models.ManyToManyField(
        "org.Staff", verbose_name=gettext_lazy("持不同意见委员"), blank=True, related_name="+"
    )
    outcome = models.CharField(
        gettext_lazy("审议结果"),
        max_length=16,
        choices=ch.ItemOutcome.choices,
        default=ch.ItemOutcome.PENDING,
    )
    decided_at = models.DateTimeField(gettext_lazy("审议时间"), null=True, blank=True)
    deferred_reason = models.TextField(gettext_lazy("暂缓审议理由"), blank=True, default="")
    report_excuse = models.TextField(
        gettext_lazy("未提交汇报材料的说明（主持人）"), blank=True, default=""
    )
    report_excused_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("说明人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "meeting_agenda_items"
        verbose_name = gettext_lazy("上会客户")
        verbose_name_plural = gettext_lazy("上会客户")
        ordering = ["meeting_id", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "customer"],
                name="agenda_customer_once",
                violation_error_message="同一客户在同一次例会只能上会一次",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.customer_id}"

    def is_locked(self) -> bool:
        return self.meeting.is_locked()

    def reason_labels(self) -> list[str]:
        labels = dict(ch.Reason.choices)
        return [str(labels.get(r, r)) for r in self.reasons]


class LoanDecision(LockedRecord):
    """The class the meeting decided for one loan of a customer on the agenda, with the facts
    it was decided on (the screening of `as_of`): these become the loan's 认定 at closing."""

    item = models.ForeignKey(
        AgendaItem,
        verbose_name=gettext_lazy("上会客户"),
        on_delete=models.CASCADE,
        related_name="loan_decisions",
    )
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # DO_NOTHING: re-screening a date re-creates its assessments with the same ids.
    assessment = models.ForeignKey(
        "risk.LoanAssessment",
        verbose_name=gettext_lazy("分类建议"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    as_of = models.DateField(gettext_lazy("数据日期"))
    dpd = models.IntegerField(gettext_lazy("逾期天数"), default=0)
    balance = MoneyField(gettext_lazy("余额"), default=0)
    current_class = models.CharField(
        gettext_lazy("当前分类"), max_length=16, choices=LoanClass.choices
    )
    suggested_class = models.CharField(
        gettext_lazy("系统建议"), max_length=16, choices=LoanClass.choices
    )
    floor_class = models.CharField(
        gettext_lazy("底线分类"), max_length=16, choices=LoanClass.choices
    )
    floor_rules = models.JSONField(gettext_lazy("触发的分类规则"), default=list, blank=True)
    decided_class = models.CharField(
        gettext_lazy("审议认定分类"), max_length=16, choices=LoanClass.choices
    )
    reason = models.TextField(gettext_lazy("认定理由"), blank=True, default="")
    # The DPD 1–7 technical waiver (classification.md, CLS-SM-DPD): lifts only that floor.
    technical_waiver = models.BooleanField(gettext_lazy("技术性逾期豁免"), default=False)
    waiver_reason = models.TextField(gettext_lazy("豁免理由"), blank=True, default="")
    classified_at = models.DateTimeField(gettext_lazy("转为借据认定时间"), null=True, blank=True)

    class Meta:
        db_table = "meeting_loan_decisions"
        verbose_name = gettext_lazy("审议认定分类")
        verbose_name_plural = gettext_lazy("审议认定分类")
        ordering = ["item_id", "loan_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "loan"],
                name="loan_decision_once_per_item",
                violation_error_message="同一借据在同一上会客户下只有一个审议认定分类",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_class=""),
                name="loan_decision_has_class",
                violation_error_message="审议认定分类不能为空",
            ),
            models.CheckConstraint(
                condition=models.Q(technical_waiver=False) | ~models.Q(waiver_reason=""),
                name="loan_decision_waiver_has_reason",
                violation_error_message="技术性逾期豁免必须填写理由",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.get_decided_class_display()}"

    @classmethod
    def locked_q(cls) -> models.Q:
        return _meeting_locked_q("item__meeting__")

    def is_locked(self) -> bool:
        return self.item.meeting.is_locked()


class AgendaChange(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("例会"),
        on_delete=models.CASCADE,
        related_name="agenda_changes",
    )
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(gettext_lazy("变更"), max_length=8, choices=ch.AgendaChangeKind.choices)
    reason = models.TextField(gettext_lazy("书面理由"))
    actor = models.ForeignKey(
        USER, verbose_name=gettext_lazy("操作人"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True)

    class Meta:
        db_table = "meeting_agenda_changes"
        verbose_name = gettext_lazy("议程变更")
        verbose_name_plural = gettext_lazy("议程变更")
        ordering = ["meeting_id", "at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_id}"


class Notification(models.Model):
    """A recorded in-app notification (会议通知, reminders, escalations)."""

    recipient = models.ForeignKey(
        "org.Staff", verbose_name=gettext_lazy("接收人"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        gettext_lazy("类型"), max_length=16, choices=ch.NotificationKind.choices
    )
    recipient_role = models.CharField(
        gettext_lazy("身份"),
        max_length=16,
        choices=ch.RecipientRole.choices,
        blank=True,
        default="",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("例会"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    resolution = models.ForeignKey(
        "Resolution",
        verbose_name=gettext_lazy("决议"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(gettext_lazy("标题"), max_length=200)
    body = models.TextField(gettext_lazy("内容"), blank=True, default="")
    sent_on = models.DateField(gettext_lazy("业务日期"))
    created_at = models.DateTimeField(gettext_lazy("发送时间"), auto_now_add=True)
    read_at = models.DateTimeField(gettext_lazy("阅读时间"), null=True, blank=True)

    class Meta:
        db_table = "meeting_notifications"
        verbose_name = gettext_lazy("例会通知")
        verbose_name_plural = gettext_lazy("例会通知")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class LeaveRequest(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("例会"),
        on_delete=models.CASCADE,
        related_name="leave_requests",
    )
    staff = models.ForeignKey(
        "org.Staff", verbose_name=gettext_lazy("请假人"), on_delete=models.CASCADE
    )
    reason = models.TextField(gettext_lazy("请假事由"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.LeaveStatus.choices,
        default=ch.LeaveStatus.PENDING,
    )
    requested_at = models.DateTimeField(gettext_lazy("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=gettext_lazy("审批人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(gettext_lazy("审批时间"), null=True, blank=True)
    decision_note = models.TextField(gettext_lazy("审批意见"), blank=True, default="")

    class Meta:
        db_table = "meeting_leave_requests"
        verbose_name = gettext_lazy("请假")
        verbose_name_plural = gettext_lazy("请假")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "staff"],
                name="leave_once_per_meeting",
                violation_error_message="同一例会只能请假一次",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.get_status_display()}"


class CustomerReport(models.Model):
    """The account manager's 13-item report for one customer on the agenda (第三条, 第四条)."""

    item = models.OneToOneField(
        AgendaItem,
        verbose_name=gettext_lazy("上会客户"),
        on_delete=models.CASCADE,
        related_name="report",
    )
    prefill = models.JSONField(gettext_lazy("系统预填"), default=dict)
    attachments = models.JSONField(gettext_lazy("附件数据"), default=dict)
    answers = models.JSONField(gettext_lazy("客户经理填写"), default=dict)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.ReportStatus.choices,
        default=ch.ReportStatus.DRAFT,
    )
    submitted_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(gettext_lazy("提交时间"), null=True, blank=True)
    submitted_late = models.BooleanField(gettext_lazy("逾期提交"), default=False)
    risk_comment = models.TextField(gettext_lazy("风险经理意见"), blank=True, default="")
    risk_commented_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("风险经理"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    risk_commented_at = models.DateTimeField(gettext_lazy("意见时间"), null=True, blank=True)

    class Meta:
        db_table = "meeting_customer_reports"
        verbose_name = gettext_lazy("客户汇报材料")
        verbose_name_plural = gettext_lazy("客户汇报材料")

    def __str__(self) -> str:
        return f"{self.item} 汇报材料"


class Attendance(LockedRecord):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("例会"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    staff = models.ForeignKey(
        "org.Staff", verbose_name=gettext_lazy("人员"), on_delete=models.PROTECT
    )
    is_member = models.BooleanField(gettext_lazy("委员"), default=False)
    # The member's seat when the meeting started: the quorum's presider rule reads it, so a
    # seat changed afterwards (the admin's included) does not move the record.
    member_role = models.CharField(
        gettext_lazy("开会时委员类别"),
        max_length=16,
        choices=ch.MemberRole.choices,
        blank=True,
        default="",
    )
    present = models.BooleanField(gettext_lazy("出席"), default=False)
    on_leave = models.BooleanField(gettext_lazy("已请假"), default=False)
    note = models.CharField(gettext_lazy("备注"), max_length=200, blank=True, default="")

    class Meta:
        db_table = "meeting_attendance"
        verbose_name = gettext_lazy("出席情况")
        verbose_name_plural = gettext_lazy("出席情况")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "staff"],
                name="attendance_once",
                violation_error_message="同一人员在同一例会只有一条出席记录",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {'出席' if self.present else '缺席'}"

    def is_locked(self) -> bool:
        return self.meeting.is_locked()


class Recusal(LockedRecord):
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=gettext_lazy("上会客户"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    staff = models.ForeignKey(
        "org.Staff", verbose_name=gettext_lazy("回避委员"), on_delete=models.PROTECT
    )
    reason = models.CharField(gettext_lazy("回避原因"), max_length=200)

    class Meta:
        db_table = "meeting_recusals"
        verbose_name = gettext_lazy("回避")
        verbose_name_plural = gettext_lazy("回避")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "staff"],
                name="recusal_once",
                violation_error_message="同一委员对同一客户只记录一次回避",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} 回避"

    @classmethod
    def locked_q(cls) -> models.Q:
        return _meeting_locked_q("item__meeting__")

    def is_locked(self) -> bool:
        return self.item.meeting.is_locked()


class Amendment(LockedRecord):
    """A correction of a signed record; it takes effect once signed again."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("例会"),
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    number = models.PositiveSmallIntegerField(gettext_lazy("更正序号"))
    text = models.TextField(gettext_lazy("更正内容"))
    created_by = models.ForeignKey(
        USER, verbose_name=gettext_lazy("提出人"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(gettext_lazy("提出时间"), auto_now_add=True)
    signed_at = models.DateTimeField(gettext_lazy("签署完成时间"), null=True, blank=True)

    class Meta:
        db_table = "meeting_amendments"
        verbose_name = gettext_lazy("会议记录更正")
        verbose_name_plural = gettext_lazy("会议记录更正")
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="amendment_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} 更正{self.number}"

    @classmethod
    def locked_q(cls) -> models.Q:
        return models.Q(signed_at__isnull=False)

    def is_locked(self) -> bool:
        return self.signed_at is not None


class Resolution(LockedRecord):
    FOLLOW_UP_FIELDS = frozenset(
        {
            "status",
            "checked_on",
            "check_detail",
            "claim_note",
            "claim_file",
            "claim_file_name",
            "claimed_by",
            "claimed_at",
            "reminded_on",
            "escalated_on",
            "closed_on",
        }
    )

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("例会"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=gettext_lazy("上会客户"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    amendment = models.ForeignKey(
        Amendment,
        verbose_name=gettext_lazy("由更正增加"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    type = models.CharField(
        gettext_lazy("决议类型"), max_length=24, choices=resolution_kinds.choices
    )  # a callable: a new type (one module) needs no migration
    params = models.JSONField(gettext_lazy("决议要素"), default=dict, blank=True)
    text = models.TextField(gettext_lazy("决议内容"), blank=True, default="")
    department = models.CharField(
        gettext_lazy("执行部门"), max_length=16, choices=DEPARTMENT_CHOICES
    )
    responsible = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("责任人"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    deadline = models.DateField(gettext_lazy("完成期限"))
    decided_on = models.DateField(gettext_lazy("决议日期"))
    baseline = models.JSONField(gettext_lazy("决议时数据基线"), default=dict, blank=True)
    status = models.CharField(
        gettext_lazy("执行状态"),
        max_length=16,
        choices=ch.ResolutionStatus.choices,
        default=ch.ResolutionStatus.OPEN,
        db_index=True,
    )
    checked_on = models.DateField(gettext_lazy("最近核实数据日期"), null=True, blank=True)
    check_detail = models.TextField(gettext_lazy("核实说明"), blank=True, default="")
    claim_note = models.TextField(gettext_lazy("执行情况说明"), blank=True, default="")
    claim_file = models.FileField(
        gettext_lazy("执行证明材料"), upload_to=claim_evidence_path, blank=True
    )
    claim_file_name = models.CharField(
        gettext_lazy("证明材料原文件名"), max_length=200, blank=True, default=""
    )
    claimed_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("报告人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(gettext_lazy("报告时间"), null=True, blank=True)
    reminded_on = models.DateField(gettext_lazy("已提醒日期"), null=True, blank=True)
    escalated_on = models.DateField(gettext_lazy("已报告主任委员日期"), null=True, blank=True)
    closed_on = models.DateField(gettext_lazy("办结日期"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("记录时间"), auto_now_add=True)

    class Meta:
        db_table = "meeting_resolutions"
        verbose_name = gettext_lazy("例会决议")
        verbose_name_plural = gettext_lazy("例会决议")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.get_type_display()}"

    @classmethod
    def locked_q(cls) -> models.Q:
        return (models.Q(amendment__isnull=True) & _meeting_locked_q("meeting__")) | models.Q(
            amendment__signed_at__isnull=False
        )

    def is_locked(self) -> bool:
        if self.amendment_id:
            return self.amendment.is_locked()
        return self.meeting.is_locked()

    @property
    def in_force(self) -> bool:
        """Signed and therefore to be executed (由会议主持人和行长签署意见后执行)."""
        return self.is_locked()

    def describe(self) -> str:
        return resolution_kinds.describe(self)


class Signature(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("例会"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    amendment = models.ForeignKey(
        Amendment,
        verbose_name=gettext_lazy("更正"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    role = models.CharField(gettext_lazy("签署身份"), max_length=16, choices=ch.SignRole.choices)
    signer = models.ForeignKey(USER, verbose_name=gettext_lazy("签署人"), on_delete=models.PROTECT)
    signer_name = models.CharField(gettext_lazy("签署人姓名"), max_length=64)
    signed_at = models.DateTimeField(gettext_lazy("签署时间"), auto_now_add=True)
    content_sha256 = models.CharField(gettext_lazy("签署内容SHA-256"), max_length=64)
    content = models.TextField(gettext_lazy("签署内容"))
    opinion = models.TextField(gettext_lazy("签署意见"), blank=True, default="")

    class Meta:
        db_table = "meeting_signatures"
        verbose_name = gettext_lazy("签署")
        verbose_name_plural = gettext_lazy("签署")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "role"],
                condition=models.Q(amendment__isnull=True),
                name="signature_once_per_role",
            ),
            models.UniqueConstraint(
                fields=["amendment", "role"],
                condition=models.Q(amendment__isnull=False),
                name="amendment_signature_once_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} {self.get_role_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RecordLocked("签署记录不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordLocked("签署记录不能删除")


class ExitEntry(models.Model):
    """潜在风险客户退出名单 (d2): one customer to be exited by a target date, with the amount to
    recover. Put there by a signed `exit` resolution or by a risk department decision; its
    progress is measured from the data by each day's resolution verification (`meetings.exits`):
    the balance and the active limits down, the guarantees released."""

    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.PROTECT,
        related_name="exit_entries",
    )
    source = models.CharField(
        gettext_lazy("列入依据"), max_length=16, choices=ch.ExitSource.choices
    )
    resolution = models.OneToOneField(
        Resolution,
        verbose_name=gettext_lazy("例会决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exit_entry",
    )
    reason = models.TextField(gettext_lazy("退出原因"), blank=True, default="")
    target_date = models.DateField(gettext_lazy("目标退出日期"))
    target_amount = MoneyField(gettext_lazy("计划收回金额"), default=0)
    entered_on = models.DateField(gettext_lazy("列入日期"))
    entered_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    baseline_balance = MoneyField(gettext_lazy("列入时余额"), default=0)
    baseline_limit = MoneyField(gettext_lazy("列入时有效授信额度"), default=0)
    baseline_guarantees = models.PositiveIntegerField(gettext_lazy("列入时有效担保笔数"), default=0)
    balance = MoneyField(gettext_lazy("当前余额"), default=0)
    limit = MoneyField(gettext_lazy("当前有效授信额度"), default=0)
    guarantees = models.PositiveIntegerField(gettext_lazy("当前有效担保笔数"), default=0)
    recovered = MoneyField(gettext_lazy("已收回金额"), default=0)
    measured_on = models.DateField(gettext_lazy("最近核实数据日期"), null=True, blank=True)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=12,
        choices=ch.ExitStatus.choices,
        default=ch.ExitStatus.IN_PROGRESS,
    )
    exited_on = models.DateField(gettext_lazy("退出日期"), null=True, blank=True)
    fully_recovered = models.BooleanField(gettext_lazy("收回全部贷款"), null=True, blank=True)

    class Meta:
        db_table = "meeting_exit_entries"
        verbose_name = gettext_lazy("潜在风险客户退出名单")
        verbose_name_plural = gettext_lazy("潜在风险客户退出名单")
        ordering = ["target_date", "customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status__in=["in_progress", "overdue"]),
                name="exit_entry_one_open_per_customer",
                violation_error_message="该客户已在退出名单中",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.get_status_display()}"

    @property
    def progress(self):
        """Share of the amount to recover recovered so far (None without a target)."""
        if not self.target_amount:
            return None
        return min(self.recovered / self.target_amount, 1)
