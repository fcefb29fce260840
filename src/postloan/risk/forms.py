"""The risk pages' forms: they parse and check input; the actions decide."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext, gettext_lazy

from postloan.org.models import Staff
from postloan.risk import choices as ch
from postloan.risk.catalogue import rule_choices
from postloan.risk.thresholds import label_for

CLASS_CHOICES = [("", "请选择")] + list(ch.LoanClass.choices)
LEVEL_CHOICES = [("", "请选择")] + list(ch.SignalLevel.choices)
TEXTAREA = forms.Textarea(attrs={"rows": 3})
EVIDENCE_HELP = "可上传 PDF、图片或 Office 文件（Word、Excel、PowerPoint，不含宏）"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposeForm(forms.Form):
    proposed_class = forms.ChoiceField(label=gettext_lazy("初分结果"), choices=CLASS_CHOICES)
    reason = forms.CharField(
        label=gettext_lazy("初分理由"),
        required=False,
        widget=TEXTAREA,
        help_text=gettext_lazy("与系统建议不同时必填"),
    )


class ConfirmForm(forms.Form):
    confirmed_class = forms.ChoiceField(label=gettext_lazy("认定结果"), choices=CLASS_CHOICES)
    reason = forms.CharField(
        label=gettext_lazy("认定理由"),
        required=False,
        widget=TEXTAREA,
        help_text=gettext_lazy(
            "与系统建议不同时必填；优于系统建议的认定须经风险管理部门负责人审批"
        ),
    )
    technical_waiver = forms.BooleanField(
        label=gettext_lazy("按技术性逾期豁免（逾期1–7天）"), required=False
    )
    waiver_reason = forms.CharField(label=gettext_lazy("豁免理由"), required=False, widget=TEXTAREA)


class ApprovalForm(forms.Form):
    """审批 a 认定 better than the suggestion: agree or send back, no default."""

    decision = forms.ChoiceField(
        label=gettext_lazy("审批意见"),
        choices=[("approve", "同意"), ("reject", "退回")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("审批说明"),
        required=False,
        widget=TEXTAREA,
        help_text=gettext_lazy("退回时必填"),
    )


class CorrectForm(forms.Form):
    corrected_class = forms.ChoiceField(label=gettext_lazy("更正结果"), choices=CLASS_CHOICES)
    reason = forms.CharField(
        label=gettext_lazy("更正理由"),
        required=False,
        widget=TEXTAREA,
        help_text=gettext_lazy("必填"),
    )
    technical_waiver = forms.BooleanField(
        label=gettext_lazy("按技术性逾期豁免（逾期1–7天）"), required=False
    )
    waiver_reason = forms.CharField(label=gettext_lazy("豁免理由"), required=False, widget=TEXTAREA)


class HandleForm(forms.Form):
    owner = forms.ModelChoiceField(label=gettext_lazy("责任人"), queryset=Staff.objects.none())
    measures = forms.CharField(label=gettext_lazy("处置措施"), widget=TEXTAREA)
    due_date = forms.DateField(label=gettext_lazy("处置期限"), widget=DATE)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class FeedbackForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("反馈情况"), widget=TEXTAREA)
    evidence = forms.CharField(label=gettext_lazy("证据说明"), required=False, widget=TEXTAREA)
    attachment = forms.FileField(
        label=gettext_lazy("附件"), required=False, help_text=EVIDENCE_HELP
    )


class ConfirmSignalForm(forms.Form):
    real_risk = forms.TypedChoiceField(
        label=gettext_lazy("认定结论"),
        choices=[("yes", "真实风险"), ("no", "非真实风险")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(label=gettext_lazy("认定级别"), choices=LEVEL_CHOICES, required=False)
    note = forms.CharField(label=gettext_lazy("认定意见"), widget=TEXTAREA)


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("消除理由"), widget=TEXTAREA)
    evidence = forms.CharField(label=gettext_lazy("证据说明"), required=False, widget=TEXTAREA)
    attachment = forms.FileField(
        label=gettext_lazy("附件"), required=False, help_text=EVIDENCE_HELP
    )


class ManualSignalForm(forms.Form):
    customer_id = forms.CharField(label=gettext_lazy("客户编号"), max_length=40)
    loan_id = forms.CharField(label=gettext_lazy("借据号（可空）"), max_length=40, required=False)
    rule_id = forms.ChoiceField(label=gettext_lazy("预警规则"), choices=())
    level = forms.ChoiceField(label=gettext_lazy("级别"), choices=LEVEL_CHOICES)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200, required=False)
    evidence = forms.CharField(label=gettext_lazy("预警依据"), widget=TEXTAREA)
    attachment = forms.FileField(
        label=gettext_lazy("附件"), required=False, help_text=EVIDENCE_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_id"].choices = rule_choices()


class EventReleaseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("解除原因"), widget=TEXTAREA)


class ReviewTaskForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("复核意见"), widget=TEXTAREA)


class ThresholdForm(forms.Form):
    """One field per threshold of the engine, pre-filled with the values in force."""

    reason = forms.CharField(label=gettext_lazy("修改原因"), widget=TEXTAREA)

    def __init__(self, *args, current: dict, preview: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.fields["reason"].required = not preview  # a preview saves nothing

        for name, value in current.items():
            if isinstance(value, list):
                shown = "，".join(value)
            elif name.endswith("_fen") and isinstance(value, int):
                shown = f"{value // 100}.{value % 100:02d}"  # amounts are entered in 元
            else:
                shown = str(value)
            self.fields[name] = forms.CharField(
                label=label_for(name), initial=shown, max_length=400
            )
        self.order_fields([*current, "reason"])

    def clean(self):
        data = super().clean()
        changed = {}
        for name, value in self.current.items():
            raw = (data.get(name) or "").strip()
            if name not in data:
                continue
            if isinstance(value, list):
                new = [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]
            elif isinstance(value, bool):
                new = raw.lower() in {"1", "true", "是", "yes"}
            elif isinstance(value, int) and name.endswith("_fen"):
                try:
                    new = int((Decimal(raw.replace(",", "")) * 100).to_integral_value())
                except InvalidOperation:
                    self.add_error(name, gettext("请输入金额（元），如 50000.00"))
                    continue
            elif isinstance(value, int):
                try:
                    new = int(raw)
                except ValueError:
                    self.add_error(name, gettext("请输入整数"))
                    continue
            else:
                try:
                    new = str(Decimal(raw))
                except InvalidOperation:
                    self.add_error(name, gettext("请输入数字，如 0.70"))
                    continue
            if new != value:
                changed[name] = new
        if not changed and not self.errors:
            raise forms.ValidationError(gettext("阈值没有变化"))
        data["changed"] = changed
        return data
