"""Every state change of the risk app, as atomic functions taking `acting_user`."""

from postloan.risk.actions.classification import (
    approve_classification,
    confirm_classification,
    correct_classification,
    propose_classification,
    record_committee_classification,
    reject_classification,
)
from postloan.risk.actions.review_tasks import complete_review_task
from postloan.risk.actions.screening import persist_result, run_screening
from postloan.risk.actions.signals import (
    confirm_signal,
    raise_manual_signal,
    raise_model_signals,
    release_event,
    release_signal,
    start_handling,
    submit_feedback,
    update_thresholds,
)
from postloan.risk.errors import TransitionError

__all__ = [
    "TransitionError",
    "approve_classification",
    "complete_review_task",
    "confirm_classification",
    "confirm_signal",
    "correct_classification",
    "persist_result",
    "propose_classification",
    "record_committee_classification",
    "reject_classification",
    "raise_manual_signal",
    "raise_model_signals",
    "release_event",
    "release_signal",
    "run_screening",
    "start_handling",
    "submit_feedback",
    "update_thresholds",
]
