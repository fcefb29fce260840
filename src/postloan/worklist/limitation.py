"""Limitation periods tracked for overdue loans and guarantees, with reminders before they lapse.

Reading of the law (民法典) used here — a reminder tool, not legal advice:
- 诉讼时效 (art. 188): 3 years from the day the bank knew its right was harmed, i.e. from the
  overdue date (the earliest instalment unpaid on its due date, or the maturity date if the
  balance is still outstanding). A demand for payment interrupts it and it runs anew
  (art. 195): the latest recorded collection action of kind 上门/催收函/法律措施 (a phone call
  alone is hard to prove, so it does not count) restarts the 3 years.
- 保证期间 (art. 692): as agreed in the guarantee contract — read from `guarantees.end_date`;
  where the contract says nothing (no end_date), 6 months from the maturity of the principal
  debt (the loan's maturity date). The bank must claim against the guarantor within it.
Reminders start N days (setting, default 90) before the end date.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min, Q

from postloan.portfolio.models import Guarantee, Loan, RepaymentInstalment
from postloan.worklist.models import CollectionAction
from postloan.worklist.policy import setting
from postloan.worklist.schedule import add_months

INTERRUPTING_ACTIONS = ("visit", "letter", "legal")


@dataclass
class LimitationItem:
    kind: str  # 诉讼时效 | 保证期间
    customer_id: str
    customer_name: str
    loan_id: str
    start: dt.date
    ends_on: dt.date
    basis: str
    days_left: int

    @property
    def lapsed(self) -> bool:
        return self.days_left < 0


def limitation_items(
    as_of: dt.date, customer_ids, *, only_due: bool = True
) -> list[LimitationItem]:
    customer_ids = list(customer_ids)
    reminder = int(setting("WORKLIST_LIMITATION_REMINDER_DAYS"))
    years = int(setting("WORKLIST_LITIGATION_YEARS"))
    months = int(setting("WORKLIST_GUARANTEE_PERIOD_MONTHS"))
    loans = {
        row["loan_id"]: row
        for row in Loan.objects.filter(customer_id__in=customer_ids, balance__gt=0).values(
            "loan_id", "customer_id", "customer__name", "maturity_date"
        )
    }
    first_unpaid = dict(
        RepaymentInstalment.objects.filter(loan_id__in=list(loans), due_date__lt=as_of)
        .filter(Q(paid_off_date__isnull=True) | Q(paid_off_date__gt=as_of))
        .values("loan_id")
        .annotate(first=Min("due_date"))
        .values_list("loan_id", "first")
    )
    last_demand = dict(
        CollectionAction.objects.filter(
            case__customer_id__in=customer_ids,
            kind__in=INTERRUPTING_ACTIONS,
            action_date__lte=as_of,
        )
        .values("case__customer_id")
        .annotate(last=Max("action_date"))
        .values_list("case__customer_id", "last")
    )
    items: list[LimitationItem] = []
    for loan_id, row in loans.items():
        since = first_unpaid.get(loan_id)
        if row["maturity_date"] < as_of and (since is None or row["maturity_date"] < since):
            since = row["maturity_date"]
        if since is None:
            continue
        start, basis = since, f"逾期日{since:%Y-%m-%d}起{years}年"
        demand = last_demand.get(row["customer_id"])
        if demand and demand > since:
            start, basis = demand, f"{demand:%Y-%m-%d}催收中断时效，重新起算{years}年"
        ends = add_months(start, 12 * years)
        items.append(
            LimitationItem(
                "诉讼时效",
                row["customer_id"],
                row["customer__name"],
                loan_id,
                start,
                ends,
                basis,
                (ends - as_of).days,
            )
        )
    for g in Guarantee.objects.filter(kind="guarantor", loan_id__in=list(loans)).values(
        "guarantee_id", "loan_id", "end_date", "guarantor_name", "guarantor_customer__name"
    ):
        row = loans[g["loan_id"]]
        name = g["guarantor_name"] or g["guarantor_customer__name"] or "保证人"
        if g["end_date"]:
            ends, basis = g["end_date"], f"{name}：按保证合同约定"
        else:
            ends = add_months(row["maturity_date"], months)
            basis = f"{name}：合同未约定，主债务到期日{row['maturity_date']:%Y-%m-%d}起{months}个月"
        items.append(
            LimitationItem(
                "保证期间",
                row["customer_id"],
                row["customer__name"],
                g["loan_id"],
                row["maturity_date"],
                ends,
                basis,
                (ends - as_of).days,
            )
        )
    if only_due:
        items = [i for i in items if i.days_left <= reminder]
    return sorted(items, key=lambda i: i.ends_on)
