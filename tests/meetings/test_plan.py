import datetime as dt
import json
from decimal import Decimal

from django.core.management import call_command

from postloan.meetings.models import MeetingSettings
from postloan.meetings.planning import build_plan
from postloan.portfolio.models import Customer, Facility, Loan, RiskEvent
from postloan.risk.models import CustomerRiskView, Signal

OCT = dt.date(2026, 10, 20)  # not a quarter month
SEP = dt.date(2026, 9, 20)  # a quarter month


def _reasons(plan):
    return {c.customer_id: c.reasons for c in plan.customers}


def test_it_reviews_credit_of_10m_monthly_but_not_just_under(bank):
    plan = build_plan(bank.branches["SB01"], OCT)
    assert plan.kind == "monthly"
    assert _reasons(plan) == {"C001": ["large_credit"]}
    Facility.objects.filter(pk="F001").update(limit_amount=Decimal("9999999.99"))
    assert _reasons(build_plan(bank.branches["SB01"], OCT)) == {}
    Facility.objects.filter(pk="F001").update(limit_amount=Decimal("10000000.00"))
    assert _reasons(build_plan(bank.branches["SB01"], OCT)) == {"C001": ["large_credit"]}


def test_it_uses_the_balance_when_there_is_no_active_facility(bank):
    Facility.objects.filter(pk="F001").update(status="closed")
    Loan.objects.filter(pk="L001").update(balance=Decimal("10000000.00"))
    assert _reasons(build_plan(bank.branches["SB01"], OCT)) == {"C001": ["large_credit"]}
    Loan.objects.filter(pk="L001").update(balance=Decimal("9999999.00"))
    assert _reasons(build_plan(bank.branches["SB01"], OCT)) == {}


def test_it_threshold_is_a_setting(bank):
    MeetingSettings.objects.create(branch=None, large_credit_threshold=Decimal("2000000"))
    assert _reasons(build_plan(bank.branches["SB02"], OCT)) == {"C003": ["large_credit"]}


def test_it_reviews_non_performing_customers_monthly(bank):
    assert _reasons(build_plan(bank.branches["SB02"], OCT)) == {}
    Loan.objects.filter(pk="L003").update(classification="substandard")
    assert _reasons(build_plan(bank.branches["SB02"], OCT)) == {"C003": ["non_performing"]}


def test_it_reviews_open_orange_signals_but_not_yellow_or_released(bank):
    sig = Signal.objects.create(
        rule_id="EW-TEST",
        family="repayment",
        level="yellow",
        customer=bank.customers["C003"],
        status="issued",
        raised_on=OCT,
        last_seen_on=OCT,
    )
    assert _reasons(build_plan(bank.branches["SB02"], OCT)) == {}
    Signal.objects.filter(pk=sig.pk).update(level="orange")
    assert _reasons(build_plan(bank.branches["SB02"], OCT)) == {"C003": ["risk_signal"]}
    Signal.objects.filter(pk=sig.pk).update(status="released")
    assert _reasons(build_plan(bank.branches["SB02"], OCT)) == {}


def test_it_reviews_inspection_findings_and_policy_impact(bank):
    for n, kind in enumerate(["inspection_finding", "policy_impact"]):
        RiskEvent.objects.create(
            event_id=f"E{n}",
            customer=bank.customers["C003"],
            event_date=dt.date(2026, 10, 1),
            type=kind,
        )
    assert _reasons(build_plan(bank.branches["SB02"], OCT)) == {
        "C003": ["inspection_finding", "policy_impact"]
    }


def test_it_adds_quarterly_review_in_the_last_month_of_a_quarter_with_retail_in_a_batch(bank):
    plan = build_plan(bank.branches["SB01"], SEP)
    assert plan.kind == "quarterly"
    by_id = {c.customer_id: c for c in plan.customers}
    assert by_id["C001"].reasons == ["large_credit"]
    assert by_id["C002"].reasons == ["quarterly_review"]
    assert by_id["C002"].batch is True
    assert by_id["C001"].batch is False
    # the batch comes after the customers reviewed one by one
    assert [c.customer_id for c in plan.customers] == ["C001", "C002"]
    corp = build_plan(bank.branches["SB02"], SEP)
    assert [(c.customer_id, c.reasons, c.batch) for c in corp.customers] == [
        ("C003", ["quarterly_review"], False)
    ]


def test_it_reviews_at_the_booking_sub_branch_and_rolls_up_when_it_holds_no_meetings(bank):
    assert _reasons(build_plan(bank.branches["BR01"], OCT)) == {}
    assert "C001" in _reasons(build_plan(bank.branches["SB01"], OCT))
    sb1 = bank.branches["SB01"]
    sb1.holds_meetings = False
    sb1.save(update_fields=["holds_meetings"])
    assert _reasons(build_plan(bank.branches["BR01"], OCT)) == {"C001": ["large_credit"]}
    assert _reasons(build_plan(sb1, OCT)) == {}


def test_it_ranks_by_the_composite_risk_view(bank):
    for sb in ("SB01", "SB02"):
        bank.branches[sb].holds_meetings = False
        bank.branches[sb].save(update_fields=["holds_meetings"])
    Loan.objects.filter(pk="L003").update(classification="doubtful")
    plan = build_plan(bank.branches["BR01"], OCT)
    # without a risk view: days past due first (C003 is overdue)
    assert [c.customer_id for c in plan.customers] == ["C003", "C001"]
    for cid, rank in (("C001", 1), ("C003", 2)):
        CustomerRiskView.objects.create(
            as_of=dt.date(2026, 10, 19),
            customer=Customer.objects.get(pk=cid),
            worst_class="normal",
            rank=rank,
        )
    plan = build_plan(bank.branches["BR01"], OCT)
    assert [(c.customer_id, c.rank) for c in plan.customers] == [("C001", 1), ("C003", 2)]


def test_it_writes_exactly_the_json_of_the_issue(bank, tmp_path):
    out = tmp_path / "plan.json"
    call_command("meeting", "plan", "--branch", "SB01", "--date", "2026-09-20", "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == {
        "branch": "SB01",
        "date": "2026-09-20",
        "kind": "quarterly",
        "customers": [
            {"customer_id": "C001", "reasons": ["large_credit"], "batch": False, "rank": 1},
            {"customer_id": "C002", "reasons": ["quarterly_review"], "batch": True, "rank": 2},
        ],
    }


def test_it_plans_with_a_few_queries_whatever_the_number_of_customers(
    bank, django_assert_max_num_queries
):
    for n in range(40):
        c = Customer.objects.create(
            customer_id=f"X{n:03d}", name=f"客户{n}", type="corporate", branch=bank.branches["SB01"]
        )
        Facility.objects.create(
            facility_id=f"XF{n:03d}",
            customer=c,
            limit_amount=Decimal("20000000"),
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2027, 1, 1),
        )
    with django_assert_max_num_queries(20):
        plan = build_plan(bank.branches["SB01"], OCT)
    assert len(plan.customers) == 41
