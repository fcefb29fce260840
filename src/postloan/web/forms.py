"""Filter forms of the list pages (GET forms: they keep what was typed and never change data)."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from postloan.org.models import Staff
from postloan.org.visibility import visible_branches
from postloan.portfolio import choices as ch
from postloan.portfolio.models import Customer
from postloan.web.queries.customers import SORTS, CustomerFilters
from postloan.web.widgets import QuickSelect

ANY = [("", _("全部"))]


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("客户名称 / 客户编号 / 证件号码")}),
    )
    type = forms.ChoiceField(
        label=_("客户类型"), required=False, choices=ANY + ch.CustomerType.choices
    )
    branch = forms.ModelChoiceField(
        label=_("管户机构"),
        required=False,
        queryset=None,
        empty_label=_("全部机构"),
        widget=QuickSelect,
    )
    cls = forms.ChoiceField(label=_("最差分类"), required=False, choices=ANY + ch.LoanClass.choices)
    manager = forms.ModelChoiceField(
        label=_("客户经理"),
        required=False,
        queryset=None,
        empty_label=_("全部客户经理"),
        widget=QuickSelect,
    )
    o = forms.ChoiceField(
        required=False,
        choices=[(k, k) for k in SORTS] + [(f"-{k}", k) for k in SORTS],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        branches = visible_branches(user)
        self.fields["branch"].queryset = branches
        self.fields["manager"].queryset = (
            Staff.objects.filter(branch__in=branches)
            .filter(Exists(Customer.objects.filter(manager=OuterRef("pk"))))
            .order_by("branch_id", "name")
            .only("staff_id", "name", "branch_id")
        )
        self.fields["manager"].label_from_instance = lambda s: s.name

    def filters(self) -> CustomerFilters:
        """The chosen filters; invalid input is ignored field by field (a GET form never fails)."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        return CustomerFilters(
            q=data.get("q") or "",
            type=data.get("type") or "",
            branch=data.get("branch"),
            cls=data.get("cls") or "",
            manager=data.get("manager"),
            order=data.get("o") or "customer_id",
        )

    def _valid_part(self) -> dict:
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
