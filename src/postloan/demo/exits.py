"""The demo's 潜在风险客户退出名单 (d2): the 分行's risk department decides that the two
largest non-performing corporate customers of the weakest 支行 (the one whose indicators are
furthest over the limits) are to exit within six months, recovering their balance."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Sum

from postloan.meetings import actions
from postloan.meetings.exits import measure
from postloan.meetings.models import ExitEntry
from postloan.portfolio.models import Customer
from postloan.risk.models import LoanAssessment
from postloan.risk.queries import EFFECTIVE_NPL
from postloan.risk.screenings import latest_screening
from postloan.units.models import UnitIndicator

EXITS = 2
REASON = "主要股东涉诉、经营业绩下滑，风险管理部门决定实行预见性退出，压降并收回全部贷款"


def create_demo_exits(as_of: dt.date) -> list[ExitEntry]:
    """Idempotent: customers already on the list stay as they are."""
    user = get_user_model().objects.filter(username="risk_manager").first()
    screened = latest_screening(as_of)
    if user is None or screened is None:
        return []
    worst = (
        UnitIndicator.objects.filter(as_of__lte=as_of, branch__level="sub_branch")
        .order_by("-as_of", "-values__npl_ratio")
        .values_list("branch_id", flat=True)
        .first()
    )
    rows = LoanAssessment.objects.filter(as_of=screened, customer__type="corporate")
    if worst:
        rows = rows.filter(customer__branch_id=worst)
    picked = (
        rows.filter(EFFECTIVE_NPL)
        .values("customer_id")
        .annotate(b=Sum("balance"))
        .order_by("-b", "customer_id")
        .values_list("customer_id", flat=True)[:EXITS]
    )
    out = []
    for customer in Customer.objects.filter(pk__in=list(picked)).order_by("pk"):
        entry = ExitEntry.objects.filter(customer=customer).first()
        if entry is None:
            entry = actions.put_on_exit_list(
                customer,
                target_date=as_of + dt.timedelta(days=180),
                reason=REASON,
                acting_user=user,
            )
        out.append(entry)
    measure(as_of, acting_user=user)
    return out
