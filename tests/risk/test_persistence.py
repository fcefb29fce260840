"""Persisting a screening result: bulk, idempotent, one open signal per rule/customer/loan."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from postloan.risk import choices as ch
from postloan.risk.actions import persist_result
from postloan.risk.models import (
    CustomerRiskView,
    LoanAssessment,
    NotEvaluated,
    Signal,
    SignalStep,
)
from tests.risk.results import AS_OF, make_result, signal_row


def test_it_persists_every_table_of_a_result(bank):
    counts = persist_result(make_result(), AS_OF)

    assert counts["loans"] == 3
    assert counts["signals_new"] == 1
    l003 = LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)
    assert (l003.dpd, l003.suggested_class, l003.rule_ids) == (41, "special_mention", "CLS-SM-DPD")
    assert str(l003.overdue_interest) == "21750.00"
    assert str(l003.balance) == "3000000.00"
    assert l003.floors[0]["evidence"] == {"dpd": 41}
    assert NotEvaluated.objects.get(customer_id="C003").reason == "无财务报表，未评估"
    view = CustomerRiskView.objects.get(customer_id="C003", as_of=AS_OF)
    assert (view.rank, str(view.exposure), view.level_count("orange")) == (1, "3000000.00", 1)
    assert view.counts["families"] == {"repayment": 1}
    signal = Signal.objects.get()
    assert (signal.rule_id, signal.status, signal.loan_key, signal.owner_id) == (
        "EW-DPD",
        "issued",
        "L003",
        "AM02",
    )
    assert signal.due_date == AS_OF + dt.timedelta(days=5)
    assert SignalStep.objects.filter(signal=signal, to_status="issued").count() == 1


def test_it_is_idempotent_when_the_same_date_is_screened_again(bank):
    persist_result(make_result(), AS_OF)
    first_ids = set(LoanAssessment.objects.values_list("id", flat=True))
    persist_result(make_result(), AS_OF)

    assert set(LoanAssessment.objects.values_list("id", flat=True)) == first_ids
    assert NotEvaluated.objects.count() == 1
    assert CustomerRiskView.objects.count() == 3
    assert Signal.objects.count() == 1


def test_it_updates_the_open_signal_when_a_rule_fires_again(bank):
    persist_result(make_result(), AS_OF)
    later = AS_OF + dt.timedelta(days=30)
    counts = persist_result(
        make_result(
            as_of=later,
            l003_dpd=71,
            signals=[signal_row("EW-DPD", "C003", "L003", level="orange", dpd=71)],
        ),
        later,
    )

    assert counts["signals_new"] == 0 and counts["signals_updated"] == 1
    signal = Signal.objects.get()
    assert signal.evidence == {"dpd": 71}
    assert (signal.raised_on, signal.last_seen_on) == (AS_OF, later)


def test_it_marks_but_never_releases_a_signal_whose_rule_stopped_firing(bank):
    persist_result(make_result(), AS_OF)
    later = AS_OF + dt.timedelta(days=1)
    persist_result(make_result(as_of=later, l003_dpd=0, signals=[]), later)

    signal = Signal.objects.get()
    assert signal.still_firing is False
    assert signal.status == ch.SignalStatus.ISSUED


def test_it_keeps_signals_for_different_loans_and_customer_level_apart(bank):
    rows = [
        signal_row("EW-NEWS", "C001", None, level="yellow", family="public_opinion"),
        signal_row("EW-DPD", "C003", "L003"),
    ]
    persist_result(make_result(signals=rows), AS_OF)
    persist_result(make_result(signals=rows), AS_OF)

    assert Signal.objects.count() == 2
    assert Signal.objects.get(rule_id="EW-NEWS").loan_key == ""


def test_it_refuses_a_second_open_signal_in_the_database(bank):
    persist_result(make_result(), AS_OF)
    first = Signal.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Signal.objects.create(
            rule_id="EW-DPD",
            family="repayment",
            level="red",
            customer_id="C003",
            loan_id="L003",
            raised_on=AS_OF,
            last_seen_on=AS_OF,
        )
    Signal.objects.filter(pk=first.pk).update(status="released")
    Signal.objects.create(
        rule_id="EW-DPD",
        family="repayment",
        level="red",
        customer_id="C003",
        loan_id="L003",
        raised_on=AS_OF,
        last_seen_on=AS_OF,
    )
    assert Signal.objects.count() == 2


def test_it_keeps_the_workflow_when_the_suggestion_did_not_change(bank):
    persist_result(make_result(), AS_OF)
    LoanAssessment.objects.filter(loan_id="L003").update(
        status="proposed", proposed_class="special_mention"
    )
    persist_result(make_result(), AS_OF)
    assert LoanAssessment.objects.get(loan_id="L003").status == "proposed"

    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    l003 = LoanAssessment.objects.get(loan_id="L003")
    assert (l003.status, l003.proposed_class, l003.suggested_class) == (
        "pending",
        "",
        "substandard",
    )


def test_it_persists_in_a_fixed_number_of_queries(bank, django_assert_max_num_queries):
    rows = [signal_row("EW-DPD", "C003", "L003")] + [
        signal_row(rule, "C001", None, level="yellow", family="financial")
        for rule in ("EW-LEVERAGE", "EW-LIQUIDITY", "EW-REVENUE-DROP", "EW-OCF-NEG")
    ]
    with django_assert_max_num_queries(40):
        persist_result(make_result(signals=rows), AS_OF)
    with django_assert_max_num_queries(40):
        persist_result(make_result(signals=rows), AS_OF)


def test_it_updates_a_manual_signal_when_the_engine_finds_the_same_risk(bank):
    from postloan.risk.actions import raise_manual_signal

    manual = raise_manual_signal(
        bank.customers["C003"],
        bank.loans["L003"],
        "EW-DPD",
        "yellow",
        "电话催收未果",
        bank.users["am_wang"],
    )
    counts = persist_result(make_result(), AS_OF)

    assert (counts["signals_new"], counts["signals_updated"]) == (0, 1)
    manual.refresh_from_db()
    assert (Signal.objects.count(), manual.level, manual.evidence) == (1, "orange", {"dpd": 41})
