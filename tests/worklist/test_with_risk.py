"""The worklist with the risk app's results: signals, loan assessments (DPD), red signals."""

import datetime as dt

import pytest

from postloan.risk.actions import confirm_signal
from postloan.risk.models import LoanAssessment, Signal
from postloan.web.queries import inbox
from postloan.worklist.choices import InspectionKind
from postloan.worklist.models import CollectionCase, Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db


def signal(customer_id, status, level="orange", owner=None, rule="EW-DPD", **extra):
    return Signal.objects.create(
        rule_id=rule,
        family="repayment",
        level=level,
        customer_id=customer_id,
        status=status,
        raised_on=AS_OF,
        last_seen_on=AS_OF,
        owner_id=owner,
        due_date=extra.pop("due_date", AS_OF + dt.timedelta(days=3)),
        **extra,
    )


def assessment(loan_id, customer_id, dpd, status="pending"):
    return LoanAssessment.objects.create(
        as_of=AS_OF,
        loan_id=loan_id,
        customer_id=customer_id,
        dpd=dpd,
        current_class="normal",
        suggested_class="normal",
        change="same",
        status=status,
    )


def titles(user):
    return [
        (i.category, i.title, i.customer, i.url)
        for _, _, values in inbox.grouped(user, AS_OF)["sections"]
        for i in values
    ]


def test_it_schedules_an_ad_hoc_inspection_when_a_red_signal_is_confirmed(bank):
    """By the confirming action (risk.follow_ups), not by a save of the row."""
    s = signal("C003", "feedback", level="red")
    assert not Inspection.objects.filter(kind=InspectionKind.ADHOC).exists()
    confirm_signal(s, True, "red", "逾期属实", bank.users["rm_branch"])
    inspection = Inspection.objects.get(kind=InspectionKind.ADHOC)
    assert (inspection.customer_id, inspection.source_ref) == ("C003", f"signal:{s.pk}")
    s.refresh_from_db()
    s.save()
    assert Inspection.objects.filter(kind=InspectionKind.ADHOC).count() == 1
    other = signal("C001", "feedback", level="orange", rule="EW-NEWS")
    confirm_signal(other, True, "orange", "舆情属实", bank.users["rm_branch"])
    assert Inspection.objects.filter(kind=InspectionKind.ADHOC).count() == 1


def test_it_lists_signals_to_handle_for_their_owner_and_to_confirm_for_risk_managers(bank):
    handling = signal("C001", "handling", owner="AM01")
    feedback = signal("C001", "feedback", owner="AM01", rule="EW-NEWS", level="yellow")
    zhang = titles(bank.users["am_zhang"])
    handle = [(t, n, u) for c, t, n, u in zhang if c == "预警信号"]
    assert handle == [("处置预警：贷款逾期", "杭州甲制造有限公司", f"/risk/signals/{handling.pk}/")]
    assert not any(t.startswith("认定预警") for _, t, _, _ in zhang)
    rm = titles(bank.users["rm_xihu"])
    assert [t for c, t, _, _ in rm if c == "预警信号"] == ["认定预警：负面舆情"]
    assert any(str(feedback.pk) in u for c, _, _, u in rm if c == "预警信号")
    assert not any(c == "预警信号" for c, *_ in titles(bank.users["am_wang"]))


def test_it_lists_classifications_to_confirm_for_risk_managers_of_the_unit(bank):
    assessment("L001", "C001", 0, status="proposed")
    assessment("L003", "C003", 41)
    xihu = [t for c, t, _, _ in titles(bank.users["rm_xihu"]) if c == "五级分类"]
    assert xihu == ["认定分类：L001（已初分待认定）"]
    branch = [t for c, t, _, _ in titles(bank.users["rm_branch"]) if c == "五级分类"]
    assert sorted(branch) == ["认定分类：L001（已初分待认定）", "认定分类：L003（待初分）"]
    assert not any(c == "五级分类" for c, *_ in titles(bank.users["am_zhang"]))


def test_it_opens_collection_cases_from_the_latest_screening(bank):
    assessment("L001", "C001", 0)
    assessment("L002", "C002", 0)
    assessment("L003", "C003", 41)
    plan_worklist(AS_OF)
    case = CollectionCase.objects.get()
    assert (case.customer_id, case.dpd_at_open) == ("C003", 41)
