"""Which unit a report covers and which rows it may read: always through the visibility helpers.

A report is asked for a unit (`?branch=`) and a date (`?as_of=`). The unit must be one the user
sees; its rows are the user's visible customers inside the unit's subtree (an account manager's
report therefore covers only their own customers, even when the unit is their whole 支行).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from postloan.core.business_date import business_today
from postloan.org.models import Branch
from postloan.org.visibility import customer_scope, staff_of, visible_branches
from postloan.portfolio.models import Customer


@dataclass(frozen=True)
class Scope:
    user: object
    branch: Branch
    as_of: dt.date

    def customer_q(self, prefix: str = "") -> Q:
        """A Q over rows reaching a Customer through `prefix` ('' for Customer itself)."""
        return customer_scope(self.user, prefix) & Q(
            **{f"{prefix}branch__path__startswith": self.branch.path}
        )

    def restrict(self, queryset: QuerySet, prefix: str = "customer__") -> QuerySet:
        return queryset.filter(self.customer_q(prefix))

    def customers(self) -> QuerySet:
        return Customer.objects.filter(self.customer_q())

    @property
    def label(self) -> str:
        return self.branch.name


def default_branch(user) -> Branch | None:
    staff = staff_of(user)
    branches = visible_branches(user)
    if staff is not None and branches.filter(pk=staff.branch_id).exists():
        return staff.branch
    return branches.order_by("path").first()


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def scope_for(user, branch_code: str | None = None, as_of: str | dt.date | None = None) -> Scope:
    """The unit and date a page asked for, checked against what the user may see (404 if not)."""
    if branch_code:
        branch = visible_branches(user).filter(pk=branch_code).first()
        if branch is None:
            raise Http404(gettext("机构不存在或无权查看"))
    else:
        branch = default_branch(user)
        if branch is None:
            raise Http404(gettext("您的账号未关联机构，无法查看报表"))
    day = as_of if isinstance(as_of, dt.date) else parse_date(as_of)
    return Scope(user, branch, day or business_today())
