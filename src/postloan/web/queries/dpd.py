"""Days past due (逾期天数) of loans as the pages show them until the risk engine is in place.

The definition is the data contract's: on date D, D minus the earliest `due_date` (< D) of an
instalment not fully paid by D (no `paid_off_date`, or `paid_off_date` > D); a loan past its
`maturity_date` with `balance` > 0 is overdue from the maturity date even without such a row.

NOTE: this is a small read-only helper for the screens. The risk engine's DPD (one DPD for every
page, report and rule) will supersede it; when it lands, these functions should read its results.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from postloan.portfolio.models import Loan, RepaymentInstalment


def unpaid_past_due(as_of: dt.date) -> QuerySet:
    """Instalments due before `as_of` and not fully paid by then."""
    return RepaymentInstalment.objects.filter(due_date__lt=as_of).filter(
        Q(paid_off_date__isnull=True) | Q(paid_off_date__gt=as_of)
    )


def overdue_loan_q(as_of: dt.date, prefix: str = "") -> Q:
    """A Q over loans (or over `{prefix}` pointing at loans) that are past due on `as_of`.

    The instalment test is a correlated EXISTS, answered from the (loan_id, due_date) index.
    """
    p = prefix
    unpaid = unpaid_past_due(as_of).filter(loan_id=OuterRef(f"{p}loan_id"))
    return Q(**{f"{p}status": "active"}) & (
        Q(**{f"{p}maturity_date__lt": as_of, f"{p}balance__gt": 0}) | Q(Exists(unpaid))
    )


def days_past_due(loans: Iterable[Loan], as_of: dt.date | None) -> dict[str, int]:
    """{loan_id: DPD} for the given loans, in ONE query over their repayment schedules.

    Loans that are not active (settled, written off) get 0; without a business date nothing can
    be said and the result is empty.
    """
    loans = list(loans)
    if as_of is None or not loans:
        return {}
    earliest = dict(
        unpaid_past_due(as_of)
        .filter(loan_id__in=[loan.loan_id for loan in loans])
        .values("loan_id")
        .annotate(first_due=Min("due_date"))
        .values_list("loan_id", "first_due")
    )
    result = {}
    for loan in loans:
        if loan.status != "active":
            result[loan.loan_id] = 0
            continue
        starts = [d for d in (earliest.get(loan.loan_id),) if d is not None]
        if loan.maturity_date < as_of and loan.balance > 0:
            starts.append(loan.maturity_date)
        result[loan.loan_id] = (as_of - min(starts)).days if starts else 0
    return result
