"""The whole chain on the hand-made bank: snapshot → engine → persisted results."""

import contextlib

from django.core.management import call_command

from postloan.core.models import AuditEvent
from postloan.risk.actions import run_screening
from postloan.risk.models import LoanAssessment, ScreeningRun, Signal
from tests.risk.results import AS_OF


def test_it_suggests_special_mention_and_raises_an_orange_signal_for_l003(bank):
    run = run_screening(AS_OF, acting_user=bank.users["rm_branch"], source="web")

    assert run.status == "succeeded" and run.counts["loans"] >= 3
    l003 = LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)
    assert (l003.dpd, l003.suggested_class) == (41, "special_mention")
    assert "CLS-SM-DPD" in l003.rule_list
    signal = Signal.objects.get(rule_id="EW-DPD", customer_id="C003")
    assert (signal.level, signal.loan_id, signal.status) == ("orange", "L003", "issued")
    assert AuditEvent.objects.filter(action="risk.run_screening", object_id=str(run.pk)).exists()


def test_it_screens_again_from_the_cli_without_duplicating(bank):
    call_command("screen", "--as-of", "2026-10-31")
    signals = Signal.objects.count()
    assessments = LoanAssessment.objects.count()
    call_command("screen")  # the business date is 2026-10-31

    assert Signal.objects.count() == signals
    assert LoanAssessment.objects.count() == assessments
    assert ScreeningRun.objects.filter(status="succeeded").count() == 2


def test_it_leaves_the_previous_results_when_a_screening_fails(bank, monkeypatch):
    run_screening(AS_OF)
    before = list(LoanAssessment.objects.values_list("loan_id", "suggested_class"))

    def broken(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr("postloan.risk.actions.screening.persist_result", broken)
    with contextlib.suppress(RuntimeError):
        run_screening(AS_OF)
    assert list(LoanAssessment.objects.values_list("loan_id", "suggested_class")) == before
    assert ScreeningRun.objects.filter(status="failed").count() == 1


def test_it_logs_how_long_each_phase_took(bank, caplog):
    with caplog.at_level("INFO", logger="postloan.risk.actions.screening"):
        run = run_screening(AS_OF)
    [message] = [r.getMessage() for r in caplog.records if "用时" in r.getMessage()]
    assert f"运行 {run.pk}" in message
    for phase in ("snapshot", "engine", "persist", "commit", "statistics"):
        assert f"{phase} " in message
