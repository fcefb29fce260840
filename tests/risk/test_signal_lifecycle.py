"""发布 → 处置 → 反馈 → 认定 → 消除: who may take each step, and the refused ones."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from postloan.core.models import AuditEvent
from postloan.portfolio.models import RiskEvent
from postloan.risk.actions import (
    TransitionError,
    confirm_signal,
    persist_result,
    raise_manual_signal,
    release_event,
    release_signal,
    start_handling,
    submit_feedback,
    update_thresholds,
)
from postloan.risk.models import EventRelease, Signal, SignalStep, ThresholdVersion
from postloan.risk.thresholds import current_thresholds, current_values
from tests.risk.results import AS_OF, make_result

DUE = AS_OF + dt.timedelta(days=7)


@pytest.fixture
def signal(bank):
    persist_result(make_result(), AS_OF)
    return Signal.objects.get()


def test_it_walks_the_closed_loop_and_keeps_every_step(bank, signal):
    u = bank.users
    start_handling(signal, bank.staff["AM02"], "上门催收", DUE, u["rm_branch"])
    submit_feedback(signal, "客户承诺11月10日前还款", "", u["am_wang"])
    confirm_signal(signal, True, "orange", "逾期属实", u["rm_branch"])
    release_signal(signal, "已全额还款", "回单", u["rm_branch"])

    signal.refresh_from_db()
    assert (signal.status, signal.confirmed_level, signal.released_on) == (
        "released",
        "orange",
        AS_OF,
    )
    steps = list(SignalStep.objects.filter(signal=signal).values_list("from_status", "to_status"))
    assert steps == [
        ("", "issued"),
        ("issued", "handling"),
        ("handling", "feedback"),
        ("feedback", "confirmed"),
        ("confirmed", "released"),
    ]
    assert (
        AuditEvent.objects.filter(action__startswith="risk.", object_id=str(signal.pk)).count() == 4
    )


def test_it_refuses_steps_out_of_order(bank, signal):
    rm = bank.users["rm_branch"]
    with pytest.raises(TransitionError):
        confirm_signal(signal, True, "red", "跳过处置", rm)
    with pytest.raises(TransitionError):
        release_signal(signal, "直接消除", "", rm)


def test_it_lets_only_the_owner_give_feedback(bank, signal):
    start_handling(signal, bank.staff["AM02"], "上门催收", DUE, bank.users["am_wang"])
    with pytest.raises(PermissionDenied):
        submit_feedback(signal, "代为反馈", "", bank.users["rm_branch"])


def test_it_refuses_confirmation_by_an_account_manager(bank, signal):
    start_handling(signal, bank.staff["AM02"], "上门催收", DUE, bank.users["am_wang"])
    submit_feedback(signal, "已处理", "", bank.users["am_wang"])
    with pytest.raises(PermissionDenied):
        confirm_signal(signal, True, "orange", "自行认定", bank.users["am_wang"])


def test_it_refuses_a_risk_manager_who_cannot_see_the_customer(bank, signal):
    with pytest.raises(PermissionDenied):
        start_handling(signal, bank.staff["AM02"], "催收", DUE, bank.users["rm_xihu"])
    with pytest.raises(PermissionDenied):
        start_handling(signal, bank.staff["AM02"], "催收", DUE, bank.users["am_zhang"])


def test_it_requires_a_reason_to_release(bank, signal):
    u = bank.users
    start_handling(signal, bank.staff["AM02"], "催收", DUE, u["rm_branch"])
    submit_feedback(signal, "已还款", "", u["am_wang"])
    confirm_signal(signal, False, "", "非真实风险", u["rm_branch"])
    with pytest.raises(TransitionError) as err:
        release_signal(signal, "  ", "", u["rm_branch"])
    assert err.value.field == "reason"
    with pytest.raises(PermissionDenied):
        release_signal(signal, "已还款", "", u["am_wang"])


def test_it_lets_an_account_manager_raise_a_manual_signal_on_own_customer_only(bank):
    u, c = bank.users, bank.customers
    s = raise_manual_signal(c["C001"], None, "EW-NEWS", "yellow", "网传欠薪", u["am_zhang"])
    assert (s.manual, s.family, s.owner_id, s.status) == (True, "public_opinion", "AM01", "issued")
    with pytest.raises(PermissionDenied):
        raise_manual_signal(c["C003"], None, "EW-NEWS", "yellow", "网传欠薪", u["am_zhang"])
    with pytest.raises(TransitionError):
        raise_manual_signal(c["C001"], None, "EW-NEWS", "red", "又一条", u["rm_branch"])
    with pytest.raises(TransitionError) as err:
        raise_manual_signal(c["C001"], None, "EW-LEVERAGE", "yellow", "", u["rm_branch"])
    assert err.value.field == "evidence"


def test_it_releases_an_event_with_a_reason(bank):
    event = RiskEvent.objects.create(
        event_id="E1", customer=bank.customers["C003"], event_date=AS_OF, type="negative_news"
    )
    with pytest.raises(TransitionError):
        release_event(event, "", bank.users["rm_branch"])
    with pytest.raises(PermissionDenied):
        release_event(event, "不实", bank.users["rm_xihu"])
    release = release_event(event, "报道不实，已澄清", bank.users["rm_branch"])
    assert EventRelease.objects.get().released_on == release.released_on == AS_OF


def test_it_versions_thresholds_with_who_and_why(bank):
    rm = bank.users["rm_branch"]
    with pytest.raises(TransitionError):
        update_thresholds({"debt_ratio_max": "0.75"}, "", rm)
    with pytest.raises(PermissionDenied):
        update_thresholds({"debt_ratio_max": "0.75"}, "行业特点", bank.users["am_zhang"])
    with pytest.raises(TransitionError):
        update_thresholds({"no_such": 1}, "行业特点", rm)
    v1 = update_thresholds({"debt_ratio_max": "0.75"}, "制造业负债率普遍偏高", rm)
    v2 = update_thresholds({"dpd_orange_over": 20}, "从严", rm)

    assert (v1.version, v2.version, v2.changed_by) == (1, 2, rm)
    assert current_values()["debt_ratio_max"] == "0.75"
    assert str(current_thresholds().debt_ratio_max) == "0.75"
    assert current_thresholds().dpd_orange_over == 20
    assert ThresholdVersion.objects.count() == 2
