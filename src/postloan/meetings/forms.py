"""Forms of the meeting pages; they keep the input and show Chinese errors."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from postloan.core.errors import add_to_form
from postloan.meetings import choices as ch
from postloan.meetings.models import MeetingSettings
from postloan.meetings.resolution_kinds import registry as resolution_kinds
from postloan.org.choices import DEPARTMENT_CHOICES
from postloan.portfolio.choices import LoanClass

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    branch = forms.ModelChoiceField(queryset=None, label=gettext_lazy("召开机构"), empty_label=None)
    date = forms.DateField(label=gettext_lazy("会议日期"), widget=DATE)
    kind = forms.ChoiceField(
        label=gettext_lazy("例会类型"),
        required=False,
        choices=[("", "按日期自动（季末月为季度例会）")] + list(ch.MeetingKind.choices),
    )
    location = forms.CharField(label=gettext_lazy("地点"), required=False, max_length=120)
    ad_hoc_reason = forms.CharField(
        label=gettext_lazy("临时例会召开事由（突发风险事件）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("临时例会可短于7个工作日通知，须写明事由；定期例会不适用。"),
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class MemberForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=None, label=gettext_lazy("员工"))
    role = forms.ChoiceField(
        label=gettext_lazy("委员类别"), choices=[("", "请选择")] + list(ch.MemberRole.choices)
    )

    def __init__(self, *args, staff_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_qs


class CertifyForm(forms.Form):
    basis = forms.ChoiceField(
        label=gettext_lazy("认定依据"),
        choices=[("", "请选择")] + list(ch.QualificationBasis.choices),
    )
    certificate_no = forms.CharField(label=gettext_lazy("认定文书编号"), max_length=64)
    certificate_file = forms.FileField(label=gettext_lazy("资格认定文书"))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MeetingSettings
        fields = [
            "large_credit_threshold",
            "quarter_months",
            "notice_working_days",
            "report_working_days",
            "quorum_ratio",
            "presider_must_be_chair",
            "min_members_branch",
            "min_members_sub_branch",
            "individual_min_years",
            "finding_lookback_days",
            "reminder_days",
        ]


class ReasonForm(forms.Form):
    customer_id = forms.CharField(label=gettext_lazy("客户编号"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("书面理由"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("请假事由"), widget=forms.Textarea(attrs={"rows": 2})
    )


class StartForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=gettext_lazy("出席人员"), widget=forms.CheckboxSelectMultiple, required=False
    )
    presiding = forms.ChoiceField(label=gettext_lazy("会议主持人"))

    def __init__(self, *args, people, chairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = people  # none ticked: each attendee is recorded
        self.fields["presiding"].choices = [("", "请选择")] + list(chairs)


class SectionsForm(forms.Form):
    quality_report = forms.CharField(
        label=gettext_lazy("一、全行近期信贷资产质量整体报告"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    risk_findings = forms.CharField(
        label=gettext_lazy("三、风险经理通报的问题及整改要求"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    execution_report = forms.CharField(
        label=gettext_lazy("四、前次例会决议执行情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    chair_summary = forms.CharField(
        label=gettext_lazy("五、主任委员总结"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


CLASS_CHOICES = [("", "请选择")] + list(LoanClass.choices)


class DecisionForm(forms.Form):
    """The deliberation of one customer: a class per loan (none preselected), how it was
    decided. The loans' fields are `class__<loan id>` / `reason__<loan id>`
    (meetings.deliberation); the action checks floors, quorum and recusal."""

    summary = forms.CharField(
        label=gettext_lazy("审议情况"), widget=forms.Textarea(attrs={"rows": 4})
    )
    method = forms.ChoiceField(
        label=gettext_lazy("决策方式"), choices=[("", "请选择")] + list(ch.DecisionMethod.choices)
    )
    # No count is assumed: the votes are typed when the committee votes (表决).
    votes_for = forms.IntegerField(label=gettext_lazy("同意（票）"), min_value=0, required=False)
    votes_against = forms.IntegerField(
        label=gettext_lazy("反对（票）"), min_value=0, required=False
    )
    votes_abstain = forms.IntegerField(
        label=gettext_lazy("弃权（票）"), min_value=0, required=False
    )
    dissent = forms.CharField(
        label=gettext_lazy("不同意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    dissenters = forms.MultipleChoiceField(
        label=gettext_lazy("持不同意见委员"), required=False, widget=forms.CheckboxSelectMultiple
    )

    COMMON = ("summary", "method", "votes_for", "votes_against", "votes_abstain", "dissent")

    def __init__(self, *args, voters, loans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dissenters"].choices = voters
        self.loans = loans
        for f in loans:
            self.fields[f.class_field] = forms.ChoiceField(
                label=f"{f.loan_id} 审议认定分类", choices=CLASS_CHOICES, required=False
            )
            self.fields[f.reason_field] = forms.CharField(
                label=f"{f.loan_id} 理由", required=False, max_length=500
            )
            if f.waivable:  # DPD 1–7: the committee may waive the DPD floor as technical
                self.fields[f.waiver_field] = forms.BooleanField(
                    label=gettext("技术性逾期豁免"), required=False
                )
                self.fields[f.waiver_reason_field] = forms.CharField(
                    label=f"{f.loan_id} 豁免理由", required=False, max_length=500
                )

    def rows(self):
        """(facts, class, reason, waiver, waiver reason fields) per loan, for the decision
        table; the waiver's two are None where the loan cannot be waived."""
        return [
            (
                f,
                self[f.class_field],
                self[f.reason_field],
                self[f.waiver_field] if f.waivable else None,
                self[f.waiver_reason_field] if f.waivable else None,
            )
            for f in self.loans
        ]

    def common_fields(self):
        return [self[name] for name in self.COMMON]

    def loan_classes(self) -> dict:
        return {f.loan_id: self.cleaned_data.get(f.class_field, "") for f in self.loans}

    def loan_reasons(self) -> dict:
        return {f.loan_id: self.cleaned_data.get(f.reason_field, "") for f in self.loans}

    def loan_waivers(self) -> dict:
        """loan id → the waiver's reason, for the loans whose technical waiver is ticked."""
        return {
            f.loan_id: self.cleaned_data.get(f.waiver_reason_field, "")
            for f in self.loans
            if f.waivable and self.cleaned_data.get(f.waiver_field)
        }


class DeferForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("暂缓审议理由"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExcuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("未提交汇报材料的原因（会议主持人说明）"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# The one way a page shows an action's refusal (postloan.core.errors).
add_action_errors = add_to_form


def _param_field(param) -> forms.Field:
    """The form field of one resolution parameter (`resolution_kinds.Param`)."""
    label, kind = param.label, param.kind
    if kind == "money":
        return forms.DecimalField(label=label, required=False, max_digits=18, decimal_places=2)
    if kind == "ratio":
        return forms.DecimalField(label=label, required=False, max_digits=5, decimal_places=2)
    if kind == "date":
        return forms.DateField(label=label, required=False, widget=DATE)
    if kind == "class":
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—")] + list(LoanClass.choices)
        )
    return forms.CharField(label=label, required=False)


def _type_choices() -> list[tuple[str, str]]:
    """No type stands preselected: the recorder chooses one (issue 14)."""
    return [("", "请选择")] + resolution_kinds.choices()


class ResolutionForm(forms.Form):
    """A resolution: its type, the elements of every type (from the registry, in the types'
    order), the free text, who executes it by when. The action checks which elements the
    chosen type needs (`resolution_kinds`)."""

    type = forms.ChoiceField(label=gettext_lazy("决议类型"), choices=_type_choices)
    text = forms.CharField(
        label=gettext_lazy("决议内容/说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    department = forms.ChoiceField(
        label=gettext_lazy("执行部门"),
        choices=[("", "请选择")] + list(DEPARTMENT_CHOICES),
        required=False,
    )
    responsible = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("责任人"),
        required=False,
        empty_label=gettext_lazy("请选择"),
    )
    deadline = forms.DateField(label=gettext_lazy("完成期限"), required=False, widget=DATE)

    def __init__(self, *args, staff_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff_qs
        self.params_of = resolution_kinds.all_params()
        for param in self.params_of:
            self.fields[param.name] = _param_field(param)
        self.order_fields(
            ["type", *(p.name for p in self.params_of), "text", "department", "responsible"]
        )

    def params(self) -> dict:
        out = {}
        for param in self.params_of:
            value = self.cleaned_data.get(param.name)
            if value in (None, ""):
                continue
            if param.kind == "ratio":
                value = f"{value}%"
            out[param.name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return out


class ClaimForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("执行情况说明"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=gettext_lazy("证明材料"), required=False)
    filing_case_no = forms.CharField(label=gettext_lazy("起诉案号（法律措施）"), required=False)


class AmendmentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("更正内容"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("风险经理意见"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SignForm(forms.Form):
    """One signature: the signer's opinion, the confirmation of what is signed, the password.

    The rules (opinion not empty, the confirmed hash is the content's, the password) are the
    `sign` action's; the form only carries what was typed back to the page."""

    role = forms.CharField(widget=forms.HiddenInput)
    sha256 = forms.CharField(widget=forms.HiddenInput)
    opinion = forms.CharField(
        label=gettext_lazy("签署意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("我已核对上述签署内容及其SHA-256，确认签署"), required=False
    )
    password = forms.CharField(
        label=gettext_lazy("登录密码（确认本人签署）"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
