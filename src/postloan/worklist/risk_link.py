"""The one seam to the risk app (signals, loan assessments).

The worklist reads risk results; it never computes DPD itself (one DPD: the screening engine's,
persisted as `LoanAssessment`). Until a screening ran, there is simply no DPD.
"""

import datetime as dt

from django.contrib.auth import get_user_model

from postloan.risk import queries
from postloan.risk.access import is_risk_head
from postloan.risk.models import LoanAssessment, Signal

OPEN_SIGNAL_STATUSES = ("issued", "handling", "feedback", "confirmed")


def signal_model():
    return Signal


def assessment_model():
    return LoanAssessment


def approves_classifications(user) -> bool:
    """风险部负责人: approves a 认定 better than the system's suggestion."""

    return is_risk_head(user)


def has_field(model_cls, name: str) -> bool:
    try:
        model_cls._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return True


def latest_dpd_by_loan(as_of: dt.date) -> dict[str, int] | None:
    """{loan_id: dpd} from the latest screening on or before `as_of`; None if none ran."""
    return queries.dpd_by_loan(as_of)


def signal_owner_filter(user) -> dict:
    """The filter selecting signals owned by `user` (owner may point at a User or a Staff)."""
    Signal = signal_model()
    if Signal is None or not has_field(Signal, "owner"):
        return {"pk__in": []}

    related = Signal._meta.get_field("owner").related_model
    if related is get_user_model():
        return {"owner": user}
    staff = getattr(user, "staff", None)
    return {"owner": staff} if staff is not None else {"pk__in": []}


def customers_with_open_severe_signal(customer_ids) -> set[str]:
    Signal = signal_model()
    if Signal is None:
        return set()
    return set(
        Signal.objects.filter(
            customer_id__in=list(customer_ids),
            level__in=("orange", "red"),
            status__in=OPEN_SIGNAL_STATUSES,
        ).values_list("customer_id", flat=True)
    )
