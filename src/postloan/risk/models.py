"""What screening found and what people decided about it.

The engine (``risk/engine``) computes; these models keep its results per business date
(``as_of``) and the workflow on top of them: the classification's 初分 → 认定 and the
early-warning signal's 发布 → 处置 → 反馈 → 认定 → 消除. State changes go through
``postloan.risk.actions``; views never save these models directly.

Two tables are read back by the engine's snapshot: ``signals`` (prior open signals) and
``event_releases`` (events a person released); their table and column names are part of
that seam.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from postloan.core import evidence
from postloan.core.fields import MoneyField
from postloan.core.models import SettingsVersion
from postloan.risk import choices as ch

USER = settings.AUTH_USER_MODEL


class ThresholdVersion(SettingsVersion):
    """One version of every early-warning threshold; the current one is the latest."""

    values = models.JSONField(gettext_lazy("阈值"))

    class Meta(SettingsVersion.Meta):
        db_table = "risk_threshold_versions"
        verbose_name = gettext_lazy("预警阈值版本")
        verbose_name_plural = gettext_lazy("预警阈值版本")

    @classmethod
    def current(cls) -> "ThresholdVersion | None":
        return cls.objects.order_by("-version").first()


class ScreeningRun(models.Model):
    as_of = models.DateField(gettext_lazy("业务日期"), db_index=True)
    source = models.CharField(gettext_lazy("触发方式"), max_length=16, choices=ch.RunSource.choices)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.RunStatus.choices,
        default=ch.RunStatus.RUNNING,
    )
    started_at = models.DateTimeField(gettext_lazy("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(gettext_lazy("结束时间"), null=True, blank=True)
    counts = models.JSONField(gettext_lazy("结果计数"), default=dict, blank=True)
    threshold_version = models.ForeignKey(
        ThresholdVersion,
        verbose_name=gettext_lazy("阈值版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    triggered_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.TextField(gettext_lazy("错误"), blank=True, default="")
    # While it runs (ops.heartbeat); a run whose process died is closed by `recover-jobs`.
    worker = models.CharField(gettext_lazy("筛查进程"), max_length=120, blank=True, default="")
    heartbeat_at = models.DateTimeField(gettext_lazy("最近心跳"), null=True, blank=True)
    interrupted = models.BooleanField(gettext_lazy("已中断"), default=False)
    # The customers whose screening results differ from the previous screened state (the
    # date's own stored rows on a re-screening, the previous date's on a new one); null = not
    # known or too many to list: the worklist's next plan is then a full re-plan.
    changed_customers = models.JSONField(
        gettext_lazy("结果有变化的客户"), null=True, blank=True, default=None
    )

    class Meta:
        db_table = "risk_screening_runs"
        verbose_name = gettext_lazy("风险筛查")
        verbose_name_plural = gettext_lazy("风险筛查")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} {self.get_status_display()}"

    @property
    def status_label(self) -> str:
        """状态 as shown: 已中断 for a run whose process died, else the status."""
        if self.interrupted and self.status == ch.RunStatus.FAILED:
            return "已中断"
        return self.get_status_display()


class LoanAssessment(models.Model):
    """One loan's classification on one business date: the suggestion and what people decided."""

    run = models.ForeignKey(
        ScreeningRun,
        verbose_name=gettext_lazy("筛查"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    as_of = models.DateField(gettext_lazy("业务日期"))
    # No index of their own (nor PostgreSQL's `_like` twins): the unique (loan, as_of) and the
    # (customer, as_of) indexes lead with them. Fewer indexes, a faster 800 k-row screening.
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        on_delete=models.CASCADE,
        related_name="assessments",
        db_index=False,
    )
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    dpd = models.IntegerField(gettext_lazy("逾期天数"), default=0)
    balance = MoneyField(gettext_lazy("余额"), default=0)
    overdue_principal = MoneyField(gettext_lazy("逾期本金"), default=0)
    overdue_interest = MoneyField(gettext_lazy("逾期利息"), default=0)
    current_class = models.CharField(
        gettext_lazy("当前分类"), max_length=16, choices=ch.LoanClass.choices
    )
    suggested_class = models.CharField(
        gettext_lazy("建议分类"), max_length=16, choices=ch.LoanClass.choices
    )
    rule_ids = models.CharField(gettext_lazy("触发规则"), max_length=400, blank=True, default="")
    reasons = models.TextField(gettext_lazy("理由"), blank=True, default="")
    floors = models.JSONField(gettext_lazy("规则与证据"), default=list, blank=True)
    change = models.CharField(gettext_lazy("变动"), max_length=16, choices=ch.ClassChange.choices)
    waivable_technical = models.BooleanField(gettext_lazy("可按技术性逾期豁免"), default=False)

    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.AssessmentStatus.choices,
        default=ch.AssessmentStatus.PENDING,
    )
    proposed_class = models.CharField(
        gettext_lazy("初分结果"),
        max_length=16,
        choices=ch.LoanClass.choices,
        blank=True,
        default="",
    )
    proposal_reason = models.TextField(gettext_lazy("初分理由"), blank=True, default="")
    proposed_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("初分人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(gettext_lazy("初分时间"), null=True, blank=True)
    confirmed_class = models.CharField(
        gettext_lazy("认定结果"),
        max_length=16,
        choices=ch.LoanClass.choices,
        blank=True,
        default="",
    )
    confirmation_reason = models.TextField(gettext_lazy("认定理由"), blank=True, default="")
    confirmed_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(gettext_lazy("认定时间"), null=True, blank=True)
    technical_waiver = models.BooleanField(gettext_lazy("技术性逾期豁免"), default=False)
    waiver_reason = models.TextField(gettext_lazy("豁免理由"), blank=True, default="")
    # The loan's latest binding decision on or before this date (`risk.current`), kept here so
    # that reports read a column, not a lookup per loan: written by every binding decision and
    # after every screening of the date (`current.refresh_decided_classes`). Empty: none.
    decided_class = models.CharField(
        gettext_lazy("截至该日的人工认定"),
        max_length=16,
        choices=ch.LoanClass.choices,
        null=True,
        blank=True,
    )
    # The md5 of the suggestion's own columns as the screening wrote them (`result_tables`): a
    # re-screening rewrites only the rows whose content differs. Empty: written before it.
    content_hash = models.CharField(
        gettext_lazy("内容摘要"), max_length=32, blank=True, default="", editable=False
    )

    # Workflow fields kept when a re-screening of the same date gives the same suggestion.
    WORKFLOW_FIELDS = (
        "status",
        "proposed_class",
        "proposal_reason",
        "proposed_by_id",
        "proposed_at",
        "confirmed_class",
        "confirmation_reason",
        "confirmed_by_id",
        "confirmed_at",
        "technical_waiver",
        "waiver_reason",
    )

    class Meta:
        db_table = "loan_assessments"
        verbose_name = gettext_lazy("五级分类建议")
        verbose_name_plural = gettext_lazy("五级分类建议")
        ordering = ["-as_of", "loan_id"]
        indexes = [
            models.Index(fields=["as_of", "status"], name="assessment_asof_status_idx"),
            models.Index(fields=["status"], name="assessment_status_idx"),
            models.Index(fields=["customer", "as_of"], name="assessment_customer_idx"),
            # The default order: lists and the 工作台 inbox stop after a page instead of sorting
            # every suggestion of every date.
            models.Index(fields=["-as_of", "loan_id"], name="assessment_asof_loan_idx"),
            # The classification page shows suggestions that change a class: a few hundred of
            # the ~80,000 loans of a date, found without reading the rest.
            models.Index(
                fields=["as_of", "status"],
                condition=~Q(change=ch.ClassChange.SAME),
                name="assessment_changed_idx",
            ),
            # Loans past due on a date (the 工作台's 逾期借据, the customer list): a few hundred.
            models.Index(
                fields=["as_of", "loan_id"],
                condition=Q(dpd__gt=0),
                name="assessment_overdue_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "as_of"],
                name="assessment_one_per_loan_per_date",
                violation_error_message="同一借据同一业务日期只能有一条分类建议",
            ),
            models.CheckConstraint(
                condition=Q(dpd__gte=0),
                name="assessment_dpd_not_negative",
                violation_error_message="逾期天数不能为负数",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | ~Q(confirmed_class=""),
                name="assessment_confirmed_has_class",
                violation_error_message="已认定的分类必须有认定结果",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.as_of:%Y-%m-%d}"

    @property
    def rule_list(self) -> list[str]:
        return [r for r in self.rule_ids.split(";") if r]

    @property
    def reason_list(self) -> list[str]:
        return [r for r in self.reasons.split("；") if r]

    @property
    def effective_class(self) -> str:
        """The class on the books for this date (`risk.current`: the latest binding decision,
        else the extract's class, never better than the floor). One query unless the row was
        read with `current.with_current_class`; lists annotate instead."""
        from postloan.risk.current import current_class  # risk.current imports these models

        return current_class(self)

    @property
    def technical_waiver_allowed(self) -> bool:
        return self.waivable_technical and 1 <= self.dpd <= 7


class ClassificationDecision(models.Model):
    """Every version of a loan's classification decided by a person, never edited."""

    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        on_delete=models.CASCADE,
        related_name="classification_decisions",
    )
    # DO_NOTHING: re-screening a date re-creates its assessments with the same ids.
    assessment = models.ForeignKey(
        LoanAssessment,
        verbose_name=gettext_lazy("分类建议"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="decisions",
    )
    as_of = models.DateField(gettext_lazy("业务日期"))
    kind = models.CharField(gettext_lazy("类型"), max_length=16, choices=ch.DecisionKind.choices)
    suggested_class = models.CharField(
        gettext_lazy("建议分类"),
        max_length=16,
        choices=ch.LoanClass.choices,
        blank=True,
        default="",
    )
    from_class = models.CharField(
        gettext_lazy("原分类"), max_length=16, choices=ch.LoanClass.choices
    )
    to_class = models.CharField(gettext_lazy("新分类"), max_length=16, choices=ch.LoanClass.choices)
    reason = models.TextField(gettext_lazy("理由"), blank=True, default="")
    actor = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True)
    # A 认定 submitted for approval carries its technical waiver until it is approved.
    waiver_reason = models.TextField(gettext_lazy("豁免理由"), blank=True, default="")
    # The submission an approval or rejection answers.
    request = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("审批的申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )
    # The binding decision a correction (or a committee's decision) replaces; both are kept.
    supersedes = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("更正的决定"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    # The meeting whose committee decided (例会认定); plain ids: risk does not import meetings.
    meeting_id = models.PositiveBigIntegerField(gettext_lazy("例会"), null=True, blank=True)
    agenda_item_id = models.PositiveBigIntegerField(gettext_lazy("审议事项"), null=True, blank=True)

    class Meta:
        db_table = "classification_decisions"
        verbose_name = gettext_lazy("分类决定")
        verbose_name_plural = gettext_lazy("分类决定")
        ordering = ["loan_id", "at", "id"]
        indexes = [
            # The class on the books of a loan at a date: its latest binding decision up to that
            # date (`risk.current`), looked up once per loan by the reports.
            models.Index(
                fields=["loan", "as_of", "id"],
                condition=Q(kind__in=ch.BINDING_KINDS),
                name="decision_binding_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="committee") | Q(meeting_id__isnull=False),
                name="decision_committee_has_meeting",
                violation_error_message="例会认定必须记录来源例会",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.get_kind_display()} {self.to_class}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("分类决定不可修改：更正须作为新的分类决定记录")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("分类决定不可删除：它是分类的历史")

    @property
    def binding(self) -> bool:
        """Whether this decision set the loan's class (from its business date on)."""
        return self.kind in ch.BINDING_KINDS


class Signal(models.Model):
    """An early-warning signal and where it stands in its closed loop.

    Table ``signals`` (rule_id, customer_id, loan_id, status, level) is read by the engine
    as its prior-signals input.
    """

    rule_id = models.CharField(gettext_lazy("规则"), max_length=40, db_index=True)
    family = models.CharField(gettext_lazy("类别"), max_length=24, choices=ch.SignalFamily.choices)
    level = models.CharField(gettext_lazy("级别"), max_length=8, choices=ch.SignalLevel.choices)
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="signals",
    )
    loan = models.ForeignKey(
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signals",
    )
    loan_key = models.CharField(
        gettext_lazy("借据键"), max_length=40, blank=True, default="", editable=False
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=16,
        choices=ch.SignalStatus.choices,
        default=ch.SignalStatus.ISSUED,
        db_index=True,
    )
    raised_on = models.DateField(gettext_lazy("发布日期"))
    last_seen_on = models.DateField(gettext_lazy("最近触发日期"))
    still_firing = models.BooleanField(gettext_lazy("仍在触发"), default=True)
    evidence = models.JSONField(gettext_lazy("证据"), default=dict, blank=True)
    summary = models.TextField(gettext_lazy("摘要"), blank=True, default="")
    owner = models.ForeignKey(
        "org.Staff",
        verbose_name=gettext_lazy("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals_owned",
    )
    due_date = models.DateField(gettext_lazy("处置期限"), null=True, blank=True)
    manual = models.BooleanField(gettext_lazy("人工发起"), default=False)
    raised_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    measures = models.TextField(gettext_lazy("处置措施"), blank=True, default="")
    confirmed_real_risk = models.BooleanField(gettext_lazy("认定为真实风险"), null=True, blank=True)
    confirmed_level = models.CharField(
        gettext_lazy("认定级别"),
        max_length=8,
        choices=ch.SignalLevel.choices,
        blank=True,
        default="",
    )
    released_on = models.DateField(gettext_lazy("消除日期"), null=True, blank=True)

    class Meta:
        db_table = "signals"
        verbose_name = gettext_lazy("预警信号")
        verbose_name_plural = gettext_lazy("预警信号")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["customer", "status"], name="signal_customer_status_idx"),
            models.Index(fields=["status", "level"], name="signal_status_level_idx"),
            # The signal list's order: the newest page without sorting every open signal.
            models.Index(fields=["-raised_on", "-id"], name="signal_raised_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_id", "customer", "loan_key"],
                condition=~Q(status="released"),
                name="signal_one_open_per_rule_customer_loan",
                violation_error_message="同一规则、同一客户、同一借据只能有一个未消除的预警信号",
            ),
            models.CheckConstraint(
                condition=Q(last_seen_on__gte=models.F("raised_on")),
                name="signal_seen_after_raised",
                violation_error_message="最近触发日期不能早于发布日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.customer_id} {self.get_level_display()}"

    def save(self, *args, **kwargs):
        self.loan_key = self.loan_id or ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "loan" in update_fields:
            kwargs["update_fields"] = {*update_fields, "loan_key"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status != ch.SignalStatus.RELEASED

    @property
    def shown_level(self) -> str:
        return self.confirmed_level or self.level


def signal_evidence_path(instance, filename: str) -> str:
    return evidence.generated_name("signals", filename)


class SignalStep(models.Model):
    """One step of a signal's closed loop: who moved it, when, why and with what evidence."""

    signal = models.ForeignKey(
        Signal,
        verbose_name=gettext_lazy("预警信号"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    from_status = models.CharField(
        gettext_lazy("原状态"),
        max_length=16,
        choices=ch.SignalStatus.choices,
        blank=True,
        default="",
    )
    to_status = models.CharField(
        gettext_lazy("新状态"), max_length=16, choices=ch.SignalStatus.choices
    )
    actor = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(gettext_lazy("时间"), auto_now_add=True)
    note = models.TextField(gettext_lazy("说明"), blank=True, default="")
    evidence = models.TextField(gettext_lazy("证据"), blank=True, default="")
    due_date = models.DateField(gettext_lazy("期限"), null=True, blank=True)
    # Stored under a generated name (core.evidence); the person's file name is kept beside it.
    attachment = models.FileField(gettext_lazy("附件"), upload_to=signal_evidence_path, blank=True)
    attachment_name = models.CharField(
        gettext_lazy("附件原文件名"), max_length=200, blank=True, default=""
    )

    class Meta:
        db_table = "signal_steps"
        verbose_name = gettext_lazy("预警处置记录")
        verbose_name_plural = gettext_lazy("预警处置记录")
        ordering = ["signal_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.signal_id} {self.from_status}→{self.to_status}"


class NotEvaluated(models.Model):
    """A check that could not run for a customer on a date, and why (e.g. 无财务报表，未评估)."""

    as_of = models.DateField(gettext_lazy("业务日期"))
    # Empty when the check could not run for anybody (an input table is missing altogether).
    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    rule_id = models.CharField(gettext_lazy("规则"), max_length=40)
    reason = models.TextField(gettext_lazy("原因"))

    class Meta:
        db_table = "risk_not_evaluated"
        verbose_name = gettext_lazy("未评估的检查")
        verbose_name_plural = gettext_lazy("未评估的检查")
        ordering = ["customer_id", "rule_id"]
        indexes = [models.Index(fields=["as_of", "customer"], name="not_evaluated_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.rule_id}"


class DataIssue(models.Model):
    """Contradictory data the screening found and did not silently use."""

    as_of = models.DateField(gettext_lazy("业务日期"), db_index=True)
    table = models.CharField(gettext_lazy("数据表"), max_length=40)
    key = models.CharField(gettext_lazy("记录"), max_length=120)
    issue = models.CharField(gettext_lazy("问题"), max_length=64)
    detail = models.TextField(gettext_lazy("说明"), blank=True, default="")

    class Meta:
        db_table = "risk_data_issues"
        verbose_name = gettext_lazy("数据问题")
        verbose_name_plural = gettext_lazy("数据问题")
        ordering = ["table", "key"]

    def __str__(self) -> str:
        return f"{self.table}:{self.key} {self.issue}"


class CustomerRiskView(models.Model):
    """The composite view of one customer on one date; successive dates give the trend."""

    as_of = models.DateField(gettext_lazy("业务日期"))
    customer = models.ForeignKey(  # indexed by the unique (customer, as_of)
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    exposure = MoneyField(gettext_lazy("敞口"), default=0)
    worst_class = models.CharField(
        gettext_lazy("最差分类"), max_length=16, choices=ch.LoanClass.choices
    )
    max_dpd = models.IntegerField(gettext_lazy("最大逾期天数"), default=0)
    npl_balance = MoneyField(gettext_lazy("不良余额"), default=0)
    counts = models.JSONField(gettext_lazy("信号计数"), default=dict, blank=True)
    score = models.DecimalField(gettext_lazy("风险分"), max_digits=9, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(gettext_lazy("排名"))
    explanation = models.TextField(gettext_lazy("排名说明"), blank=True, default="")
    # As on `LoanAssessment`: a re-screening rewrites only the views whose content differs.
    content_hash = models.CharField(
        gettext_lazy("内容摘要"), max_length=32, blank=True, default="", editable=False
    )

    class Meta:
        db_table = "customer_risk_views"
        verbose_name = gettext_lazy("客户风险视图")
        verbose_name_plural = gettext_lazy("客户风险视图")
        ordering = ["-as_of", "rank"]
        indexes = [models.Index(fields=["-as_of", "rank"], name="risk_view_asof_rank_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "as_of"],
                name="risk_view_one_per_customer_per_date",
                violation_error_message="同一客户同一业务日期只能有一条风险视图",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.as_of:%Y-%m-%d} #{self.rank}"

    def level_count(self, level: str) -> int:
        return int((self.counts or {}).get("levels", {}).get(level, 0))


class GroupReviewTask(models.Model):
    """A group member to review because another member became non-performing (第七条)."""

    customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("复核客户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    group_id = models.CharField(gettext_lazy("集团编号"), max_length=40)
    trigger_customer = models.ForeignKey(
        "portfolio.Customer",
        verbose_name=gettext_lazy("触发客户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_on = models.DateField(gettext_lazy("创建日期"))
    reason = models.TextField(gettext_lazy("原因"), blank=True, default="")
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=8,
        choices=ch.ReviewTaskStatus.choices,
        default=ch.ReviewTaskStatus.OPEN,
    )
    done_by = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("复核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(gettext_lazy("复核时间"), null=True, blank=True)
    done_note = models.TextField(gettext_lazy("复核意见"), blank=True, default="")

    class Meta:
        db_table = "group_review_tasks"
        verbose_name = gettext_lazy("集团成员复核任务")
        verbose_name_plural = gettext_lazy("集团成员复核任务")
        ordering = ["-created_on", "customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "trigger_customer"],
                condition=Q(status="open"),
                name="group_review_one_open_per_pair",
                violation_error_message="同一集团成员对同一触发客户只能有一个待复核任务",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.customer_id}"


class EventRelease(models.Model):
    """A risk event a person declared no longer active (the engine stops counting it).

    Table ``event_releases`` (event_id, released_on) is read by the engine's snapshot.
    """

    event = models.OneToOneField(
        "portfolio.RiskEvent",
        verbose_name=gettext_lazy("风险事件"),
        on_delete=models.CASCADE,
        related_name="release",
    )
    released_on = models.DateField(gettext_lazy("解除日期"))
    reason = models.TextField(gettext_lazy("解除原因"))
    actor = models.ForeignKey(
        USER,
        verbose_name=gettext_lazy("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(gettext_lazy("操作时间"), auto_now_add=True)

    class Meta:
        db_table = "event_releases"
        verbose_name = gettext_lazy("风险事件解除")
        verbose_name_plural = gettext_lazy("风险事件解除")

    def __str__(self) -> str:
        return f"{self.event_id} {self.released_on:%Y-%m-%d}"


class SalesReturnMonth(models.Model):
    """销售资金归行率 of one customer and month as the screening of `as_of` computed it
    (`risk/engine/figures.py`, EW-RETURN-RATIO's figure): the one copy every reader uses.

    Written by the screening's persist step (only rows whose content changed); read through
    `risk.queries.sales_return`. A month without a row had neither proceeds nor revenue."""

    class Source(models.TextChoices):
        INVOICE = "invoice", gettext_lazy("纳税开票")
        STATEMENT = "statement", gettext_lazy("财务报表折算")

    as_of = models.DateField(gettext_lazy("业务日期"))
    customer = models.ForeignKey(  # indexed by the unique (as_of, customer, month)
        "portfolio.Customer",
        verbose_name=gettext_lazy("客户"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    month = models.DateField(gettext_lazy("月份"))
    proceeds = MoneyField(gettext_lazy("本行销售回笼"), default=0)
    invoiced = MoneyField(gettext_lazy("开票金额"), null=True, blank=True)
    statement = MoneyField(gettext_lazy("财务报表月均营业收入"), null=True, blank=True)
    revenue = MoneyField(gettext_lazy("销售收入"), null=True, blank=True)
    source = models.CharField(
        gettext_lazy("销售收入来源"), max_length=16, choices=Source.choices, blank=True
    )
    content_hash = models.CharField(
        gettext_lazy("内容摘要"), max_length=32, blank=True, default="", editable=False
    )

    class Meta:
        db_table = "sales_return_months"
        verbose_name = gettext_lazy("销售资金归行率")
        verbose_name_plural = gettext_lazy("销售资金归行率")
        ordering = ["as_of", "customer", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "customer", "month"],
                name="sales_return_one_per_customer_month",
                violation_error_message="同一业务日期同一客户同一月份只能有一条归行率",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}（{self.as_of:%Y-%m-%d}）"


class FundUseTrailRow(models.Model):
    """One row of a loan's fund-use trail as the screening of `as_of` computed it
    (`risk/engine/figures.py`, ``eng_fund_use_trail``; EW-FUND-USE is its flagged rows): a
    disbursement of the last `fund_use_lookback_days` (`row_kind` payment) or a transaction of
    the borrower's accounts in the window after it (flow), with the engine's findings.

    Written by the screening's persist step (only rows whose content changed); read through
    `risk.queries.fund_use_trail` by the 资金账户监管 page and 附件1."""

    as_of = models.DateField(gettext_lazy("业务日期"))
    loan = models.ForeignKey(  # indexed by the unique (loan, as_of, …)
        "portfolio.Loan",
        verbose_name=gettext_lazy("借据"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    customer_id = models.CharField(gettext_lazy("客户编号"), max_length=40)
    pay_date = models.DateField(gettext_lazy("支付日期"))
    payee_name = models.CharField(gettext_lazy("收款人"), max_length=200)
    payee_account = models.CharField(gettext_lazy("收款账号"), max_length=64, blank=True)
    amount = MoneyField(gettext_lazy("支付金额"), default=0)
    method = models.CharField(gettext_lazy("支付方式"), max_length=16, blank=True)
    declared_purpose = models.CharField(gettext_lazy("申报用途"), max_length=200, blank=True)
    row_kind = models.CharField(gettext_lazy("行类型"), max_length=8)  # payment / flow
    txn_id = models.CharField(gettext_lazy("流水号"), max_length=64, blank=True)
    txn_date = models.DateField(gettext_lazy("交易日期"), null=True, blank=True)
    direction = models.CharField(gettext_lazy("收支方向"), max_length=4, blank=True)
    txn_amount = MoneyField(gettext_lazy("交易金额"), null=True, blank=True)
    counterparty_name = models.CharField(gettext_lazy("对方户名"), max_length=200, blank=True)
    counterparty_account = models.CharField(gettext_lazy("对方账号"), max_length=64, blank=True)
    account_id = models.CharField(gettext_lazy("本方账号"), max_length=64, blank=True)
    category = models.CharField(gettext_lazy("交易类别"), max_length=32, blank=True)
    summary = models.CharField(gettext_lazy("摘要"), max_length=200, blank=True)
    flags = models.CharField(gettext_lazy("发现"), max_length=200, blank=True)  # comma-joined
    content_hash = models.CharField(
        gettext_lazy("内容摘要"), max_length=32, blank=True, default="", editable=False
    )

    class Meta:
        db_table = "fund_use_trails"
        verbose_name = gettext_lazy("资金用途跟踪")
        verbose_name_plural = gettext_lazy("资金用途跟踪")
        ordering = ["loan", "as_of", "pay_date", "-row_kind", "txn_date", "txn_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "as_of", "pay_date", "payee_name", "txn_id"],
                name="fund_use_trail_one_row_per_flow",
                violation_error_message="同一业务日期同一笔支付的同一流水只能有一条跟踪记录",
            )
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.pay_date:%Y-%m-%d} {self.txn_id or '支付'}"

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]
