"""One loan's page: its schedule, guarantees (with collateral) and disbursements."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from postloan.portfolio.models import Disbursement, Guarantee, Loan, RepaymentInstalment
from postloan.web.queries.customer360 import instalment_state
from postloan.web.queries.dpd import days_past_due


@dataclass
class LoanDetail:
    loan: Loan
    dpd: int | None
    schedule: list
    guarantees: list
    disbursements: list

    @property
    def overdue_amount(self) -> Decimal:
        return sum(
            (i.amount_due - i.amount_paid for i in self.schedule if i.state == "overdue"),
            Decimal(0),
        )


def loan_detail(loan: Loan, as_of: dt.date | None) -> LoanDetail:
    schedule = list(RepaymentInstalment.objects.filter(loan=loan).order_by("due_date"))
    for inst in schedule:
        inst.state = instalment_state(inst, as_of)
    covers = Q(loan=loan)
    if loan.facility_id:
        covers |= Q(facility_id=loan.facility_id)
    guarantees = Guarantee.objects.filter(covers)
    return LoanDetail(
        loan=loan,
        dpd=days_past_due([loan], as_of).get(loan.loan_id),
        schedule=schedule,
        guarantees=list(guarantees.select_related("collateral").order_by("guarantee_id")),
        disbursements=list(Disbursement.objects.filter(loan=loan).order_by("pay_date")),
    )
