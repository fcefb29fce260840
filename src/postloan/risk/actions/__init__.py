"""Every state change of the risk app, as atomic functions taking `acting_user`."""

from postloan.risk.actions.classification import confirm_classification, propose_classification
from postloan.risk.actions.review_tasks import complete_review_task
from postloan.risk.actions.screening import persist_result, run_screening
from postloan.risk.actions.signals import (
    confirm_signal,
    raise_manual_signal,
    release_event,
    release_signal,
    start_handling,
    submit_feedback,
    update_thresholds,
)
from postloan.risk.errors import TransitionError

__all__ = [
    "TransitionError",
    "complete_review_task",
    "confirm_classification",
    "confirm_signal",
    "persist_result",
    "propose_classification",
    "raise_manual_signal",
    "release_event",
    "release_signal",
    "run_screening",
    "start_handling",
    "submit_feedback",
    "update_thresholds",
]
