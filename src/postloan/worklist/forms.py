"""Forms of post-loan work: server-side validation, Chinese messages next to the fields."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from postloan.portfolio.choices import LoanClass
from postloan.worklist import choices as ch
from postloan.worklist.analysis_report import NARRATIVE_SECTIONS
from postloan.worklist.completion import completion_errors, disbursed_on
from postloan.worklist.photos import read_photo

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
INTERVALS = [("", "按制度频率"), ("1", "每月"), ("3", "每季"), ("6", "每半年")]


def _choose(choices, prompt="请选择") -> list:
    return [("", prompt), *choices]


class PhotoFields(forms.Form):
    """A photo with its caption; the photo is checked by content (`photos.read_photo`)."""

    attachment = forms.FileField(label=gettext_lazy("现场照片"), required=False)
    caption = forms.CharField(label=gettext_lazy("照片说明"), max_length=200, required=False)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            read_photo(upload)
        return upload


class InspectionForm(PhotoFields):
    """Completing an inspection. Nothing is preselected: every item, the mode and the
    conclusion are the person's answer; the rules are `completion.completion_errors`."""

    mode = forms.ChoiceField(
        label=gettext_lazy("检查方式"), choices=_choose(ch.InspectionMode.choices), required=False
    )
    done_date = forms.DateField(
        label=gettext_lazy("检查日期"),
        required=False,
        error_messages={"invalid": "请按“年-月-日”填写检查日期"},
        **DATE,
    )
    conclusion = forms.ChoiceField(
        label=gettext_lazy("检查结论"), choices=_choose(ch.Conclusion.choices), required=False
    )
    proposed_class = forms.ChoiceField(
        label=gettext_lazy("建议分类"),
        choices=[("", "维持现分类")] + list(LoanClass.choices),
        required=False,
    )
    next_interval_months = forms.TypedChoiceField(
        label=gettext_lazy("下次检查频率"),
        choices=INTERVALS,
        coerce=int,
        empty_value=None,
        required=False,
    )

    field_order = ["mode", "done_date"]

    def __init__(self, *args, inspection=None, business_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.business_date = business_date
        for code, label in ch.CHECK_ITEMS:
            self.fields[f"item_{code}"] = forms.ChoiceField(
                label=label, choices=_choose(ch.ItemStatus.choices), required=False
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=gettext("%(label)s说明") % {"label": label}, required=False, max_length=1000
            )
        for code, label in NARRATIVE_SECTIONS:
            self.fields[f"narrative_{code}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )

    def item_rows(self):
        return [
            (label, self[f"item_{code}"], self[f"note_{code}"]) for code, label in ch.CHECK_ITEMS
        ]

    def narrative_fields(self):
        return [self[f"narrative_{code}"] for code, _ in NARRATIVE_SECTIONS]

    def clean(self):
        data = super().clean()
        errors = completion_errors(
            mode=data.get("mode", ""),
            done_date=data.get("done_date"),
            findings=self.findings(),
            conclusion=data.get("conclusion", ""),
            narrative=self.narrative(),
            business_date=self.business_date,
            disbursed=disbursed_on(self.inspection) if self.inspection else None,
        )
        for field, messages in errors.items():
            if field not in self.errors:  # e.g. a date that could not be read is said once
                for message in messages:
                    self.add_error(field, message)
        return data

    def findings(self) -> dict:
        d = self.cleaned_data
        return {
            code: {
                "label": label,
                "status": d.get(f"item_{code}", ""),
                "note": d.get(f"note_{code}", "").strip(),
            }
            for code, label in ch.CHECK_ITEMS
        }

    def narrative(self) -> dict:
        return {
            code: self.cleaned_data.get(f"narrative_{code}", "").strip()
            for code, _ in NARRATIVE_SECTIONS
        }

    def photos(self) -> tuple:
        upload = self.cleaned_data.get("attachment")
        return ((upload, self.cleaned_data.get("caption", "")),) if upload else ()


class AttachmentForm(PhotoFields):
    attachment = forms.FileField(label=gettext_lazy("现场照片"))


class AmendmentForm(PhotoFields):
    """A correction of a completed inspection (the original stays as recorded)."""

    reason = forms.CharField(
        label=gettext_lazy("更正原因"),
        max_length=200,
        error_messages={"required": "请填写更正原因"},
    )
    text = forms.CharField(
        label=gettext_lazy("更正内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写更正内容"},
    )
    item_code = forms.ChoiceField(
        label=gettext_lazy("更正检查事项"),
        choices=_choose(ch.CHECK_ITEMS, "不更正检查事项"),
        required=False,
    )
    item_status = forms.ChoiceField(
        label=gettext_lazy("更正后情况"), choices=_choose(ch.ItemStatus.choices), required=False
    )
    item_note = forms.CharField(label=gettext_lazy("更正后说明"), max_length=1000, required=False)
    conclusion = forms.ChoiceField(
        label=gettext_lazy("更正后结论"),
        choices=_choose(ch.Conclusion.choices, "不更正结论"),
        required=False,
    )

    field_order = ["reason", "text", "item_code", "item_status", "item_note", "conclusion"]


class CalendarTaskForm(forms.Form):
    done_date = forms.DateField(label=gettext_lazy("办理日期"), **DATE)
    borrower_confirmed_on = forms.DateField(
        label=gettext_lazy("借款人确认日"), required=False, **DATE
    )
    guarantor_confirmed_on = forms.DateField(
        label=gettext_lazy("保证人确认日"), required=False, **DATE
    )
    note = forms.CharField(
        label=gettext_lazy("办理情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        if task is None or task.kind != ch.TaskKind.MATURITY_NOTICE:
            del self.fields["borrower_confirmed_on"]
            del self.fields["guarantor_confirmed_on"]

    def clean(self):
        data = super().clean()
        if self.task is not None and self.task.kind == ch.TaskKind.MATURITY_NOTICE:
            if not data.get("borrower_confirmed_on"):
                self.add_error("borrower_confirmed_on", gettext("请填写借款人确认（签收）日期"))
        elif self.task is not None and self.task.is_funds_check and not data.get("note"):
            self.add_error("note", gettext("请说明资金落实情况"))
        return data


class CollectionActionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("催收方式"), choices=ch.ActionKind.choices)
    action_date = forms.DateField(label=gettext_lazy("催收日期"), **DATE)
    result = forms.CharField(
        label=gettext_lazy("催收结果"), widget=forms.Textarea(attrs={"rows": 2})
    )
    next_action_date = forms.DateField(label=gettext_lazy("下次跟进日"), required=False, **DATE)

    def clean(self):
        data = super().clean()
        nxt, done = data.get("next_action_date"), data.get("action_date")
        if nxt and done and nxt < done:
            self.add_error("next_action_date", gettext("下次跟进日不能早于催收日期"))
        return data


class PromiseForm(forms.Form):
    made_on = forms.DateField(label=gettext_lazy("承诺日期"), **DATE)
    amount = forms.DecimalField(
        label=gettext_lazy("承诺还款金额（元）"), max_digits=18, decimal_places=2, min_value=0.01
    )
    promised_date = forms.DateField(label=gettext_lazy("承诺还款日"), **DATE)

    def clean(self):
        data = super().clean()
        if (
            data.get("made_on")
            and data.get("promised_date")
            and data["promised_date"] < data["made_on"]
        ):
            self.add_error("promised_date", gettext("承诺还款日不能早于承诺日期"))
        return data


class CloseCaseForm(forms.Form):
    closed_on = forms.DateField(label=gettext_lazy("结案日"), **DATE)
    outcome = forms.ChoiceField(label=gettext_lazy("结果"), choices=ch.CaseOutcome.choices)
    note = forms.CharField(label=gettext_lazy("结案说明"), widget=forms.Textarea(attrs={"rows": 2}))


class DepartmentCheckForm(forms.Form):
    done_date = forms.DateField(label=gettext_lazy("检查日期"), **DATE)
    coverage_note = forms.CharField(label=gettext_lazy("抽查覆盖情况"), max_length=200)
    findings = forms.CharField(
        label=gettext_lazy("检查发现与整改要求"), widget=forms.Textarea(attrs={"rows": 4})
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("起始日"), **DATE)
    end = forms.DateField(label=gettext_lazy("截止日"), **DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", gettext("截止日不能早于起始日"))
        return data


class FollowUpForm(forms.Form):
    """审批条件落实确认 / 信贷档案补齐: the result and what proves it."""

    outcome = forms.ChoiceField(label=gettext_lazy("办理结果"), choices=())
    evidence = forms.CharField(
        label=gettext_lazy("证明材料说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("如保单号及有效期、登记证明编号、档案编号及存放位置"),
    )
    done_date = forms.DateField(label=gettext_lazy("办理日期"), **DATE)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = {
            "covenant": (ch.FollowUpOutcome.MET, ch.FollowUpOutcome.BREACHED),
            "credit_file": (ch.FollowUpOutcome.FILED,),
        }[kind]
        self.fields["outcome"].choices = [(o.value, o.label) for o in allowed]
