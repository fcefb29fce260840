"""Days past due (逾期天数) as the pages show them: read from the screening engine's results.

One DPD for every page, report and rule (style.md): the engine (`postloan.risk.engine.dpd`)
computes it set-based on each screening and `risk.LoanAssessment` keeps it per loan and business
date. Pages show the latest screening on or before the date asked for; a loan that no screening
has assessed yet has no DPD (None, shown as "—" 未筛查), never a guessed 0.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from postloan.portfolio.models import Loan
from postloan.risk.models import LoanAssessment
from postloan.risk.queries import latest_screening


def overdue_loan_q(as_of: dt.date | None, prefix: str = "") -> Q:
    """A Q over loans (or over `{prefix}` pointing at loans) past due at the latest screening.

    Written as `loan_id IN (the few overdue loans of that date)`, not as a correlated EXISTS: the
    database reads the overdue assessments once (index `assessment_overdue_idx`) instead of
    probing one assessment per loan of the portfolio.
    """
    screened = latest_screening(as_of)
    if screened is None:
        return Q(pk__in=[])
    overdue = LoanAssessment.objects.filter(as_of=screened, dpd__gt=0).values("loan_id")
    return Q(**{f"{prefix}status": "active", f"{prefix}loan_id__in": overdue})


def days_past_due(loans: Iterable[Loan], as_of: dt.date | None) -> dict[str, int]:
    """{loan_id: DPD} at the latest screening on or before `as_of`, in one query.

    Loans the screening did not assess (none ran yet, or the loan arrived after it) are absent.
    """
    loan_ids = [loan.loan_id for loan in loans]
    screened = latest_screening(as_of)
    if screened is None or not loan_ids:
        return {}
    return dict(
        LoanAssessment.objects.filter(as_of=screened, loan_id__in=loan_ids).values_list(
            "loan_id", "dpd"
        )
    )
