"""A signal confirmed at level red gets its ad-hoc inspection from the action that confirms it
(`risk.actions.confirm_signal` → `risk.follow_ups` → the worklist), in the same transaction,
once per signal — not from a post_save receiver on `Signal`."""

import datetime as dt

import pytest
from django.db.models.signals import post_save

from postloan.core.models import AuditEvent
from postloan.risk import follow_ups
from postloan.risk.actions import confirm_signal, persist_result, start_handling, submit_feedback
from postloan.risk.models import Signal
from postloan.worklist.actions import schedule_adhoc_inspection
from postloan.worklist.choices import InspectionKind
from postloan.worklist.models import Inspection
from tests.risk.results import AS_OF, make_result


@pytest.fixture
def in_feedback(bank):
    persist_result(make_result(), AS_OF)
    signal = Signal.objects.get()
    start_handling(
        signal,
        bank.staff["AM02"],
        "上门催收",
        AS_OF + dt.timedelta(days=7),
        bank.users["rm_branch"],
    )
    submit_feedback(signal, "客户承诺11月10日前还款", "", bank.users["am_wang"])
    return signal


def _adhoc():
    return Inspection.objects.filter(kind=InspectionKind.ADHOC)


def test_the_worklist_follow_up_is_registered_with_risk():
    assert schedule_adhoc_inspection in follow_ups.registered()


def test_no_receiver_with_a_business_effect_listens_to_signal_saves():
    """Only the page cache's invalidation (`core.cache.note_change`, every model) is left."""
    sync, async_ = post_save._live_receivers(Signal)
    assert {f"{r.__module__}.{r.__name__}" for r in [*sync, *async_]} <= {
        "postloan.core.cache.note_change"
    }


def test_confirmed_red_schedules_one_ad_hoc_inspection_by_the_confirming_person(bank, in_feedback):
    rm = bank.users["rm_branch"]
    confirm_signal(in_feedback, True, "red", "逾期属实，风险升级", rm)
    inspection = _adhoc().get()
    assert inspection.source_ref == f"signal:{in_feedback.pk}"
    assert inspection.customer_id == in_feedback.customer_id
    assert in_feedback.rule_id in inspection.reason
    audit = AuditEvent.objects.get(action="worklist.schedule_adhoc_inspection")
    assert audit.actor_id == rm.pk
    # Idempotent per signal: confirming again (after a new feedback) adds nothing.
    Signal.objects.filter(pk=in_feedback.pk).update(status="feedback")
    confirm_signal(in_feedback, True, "red", "再次认定", rm)
    assert _adhoc().count() == 1


def test_confirmed_orange_schedules_nothing(bank, in_feedback):
    confirm_signal(in_feedback, True, "orange", "逾期属实", bank.users["rm_branch"])
    assert not _adhoc().exists()


def test_a_save_of_a_confirmed_red_signal_outside_the_action_schedules_nothing(bank, in_feedback):
    Signal.objects.filter(pk=in_feedback.pk).update(status="confirmed", confirmed_level="red")
    signal = Signal.objects.get(pk=in_feedback.pk)
    signal.save()
    assert not _adhoc().exists()


def test_a_failing_follow_up_rolls_the_confirmation_back(bank, in_feedback, monkeypatch):
    def broken(signal, acting_user):
        raise RuntimeError("follow-up failed")

    monkeypatch.setattr(follow_ups, "_RED_CONFIRMED", [broken])
    with pytest.raises(RuntimeError):
        confirm_signal(in_feedback, True, "red", "逾期属实", bank.users["rm_branch"])
    assert Signal.objects.get(pk=in_feedback.pk).status == "feedback"
