"""The one seam to the risk app (signals, loan assessments).

The worklist reads risk results; it never computes DPD itself (one DPD: the screening engine's,
persisted as `LoanAssessment`). Until a screening ran, there is simply no DPD.
"""

import datetime as dt

from postloan.risk import choices as ch
from postloan.risk import queries
from postloan.risk.access import is_risk_head
from postloan.risk.models import Signal


def approves_classifications(user) -> bool:
    """风险部负责人: approves a 认定 better than the system's suggestion."""
    return is_risk_head(user)


def latest_dpd_by_loan(as_of: dt.date, only=None) -> dict[str, int] | None:
    """{loan_id: dpd} from the latest screening on or before `as_of`; None if none ran.
    `only`: the loans of these customers alone."""
    return queries.dpd_by_loan(as_of, customers=only)


def signal_owner_filter(user) -> dict:
    """The filter selecting the signals `user` owns (a signal's owner is a staff member)."""
    staff = getattr(user, "staff", None)
    return {"owner": staff} if staff is not None else {"pk__in": []}


def customers_with_open_severe_signal(customer_ids) -> set[str]:
    return set(
        Signal.objects.filter(
            customer_id__in=list(customer_ids),
            level__in=(ch.SignalLevel.ORANGE, ch.SignalLevel.RED),
            status__in=ch.OPEN_SIGNAL_STATUSES,
        ).values_list("customer_id", flat=True)
    )
