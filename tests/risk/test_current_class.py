"""One current class (`risk.current`): the latest binding decision, else the extract's class,
never better than the floor of that date — read alike by the migration matrix, the NPL figures
and the meeting plan's 不良 reason, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.meetings.planning import build_plan
from postloan.portfolio.models import Loan
from postloan.risk import queries
from postloan.risk.actions import confirm_classification, persist_result, run_screening
from postloan.risk.current import (
    current_class,
    loan_current_class,
    non_performing_customers,
    with_current_class,
)
from postloan.risk.models import LoanAssessment, Signal
from tests.factories import AS_OF as BANK_DATE
from tests.risk.results import AS_OF, make_result

LATER = AS_OF + dt.timedelta(days=30)
PLAN_DAY = dt.date(2026, 11, 20)  # a monthly meeting after both screenings


def classes(as_of):
    rows = with_current_class(LoanAssessment.objects.filter(as_of=as_of))
    return dict(rows.values_list("loan_id", "current_cls"))


def test_it_is_the_extract_class_but_never_better_than_the_floor(bank):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    assert classes(AS_OF) == {"L001": "normal", "L002": "normal", "L003": "substandard"}
    LoanAssessment.objects.filter(loan_id="L001").update(current_class="doubtful")
    assert classes(AS_OF)["L001"] == "doubtful"  # a worse extract class stands


def test_a_decision_carries_to_later_dates_within_their_floors(bank):
    rm = bank.users["rm_branch"]
    persist_result(make_result(l003_dpd=41), AS_OF)
    confirm_classification(
        LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF), "doubtful", "经营停滞", rm
    )
    # The extract of the later date still says 关注 (the bank's core system was not updated).
    Loan.objects.filter(pk="L003").update(classification="special_mention")
    persist_result(make_result(as_of=LATER, l003_dpd=71), LATER)
    assert classes(LATER)["L003"] == "doubtful"
    # The decision of a date does not reach back to an earlier date.
    earlier = AS_OF - dt.timedelta(days=30)
    persist_result(make_result(as_of=earlier, l003_dpd=11), earlier)
    assert classes(earlier)["L003"] == "special_mention"
    # A later date's worse floor binds the old decision from below.
    persist_result(make_result(as_of=LATER, l003_dpd=400, l003_suggested="loss"), LATER)
    assert classes(LATER)["L003"] == "loss"
    assert loan_current_class(Loan.objects.get(pk="L003"), LATER) == "loss"
    assert loan_current_class(Loan.objects.get(pk="L003"), AS_OF) == "doubtful"


def test_the_one_row_function_and_the_model_agree_with_the_annotation(bank):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    a = LoanAssessment.objects.get(loan_id="L003")
    assert current_class(a) == a.effective_class == classes(AS_OF)["L003"] == "substandard"


def test_the_migration_matrix_reads_each_dates_own_class(bank):
    persist_result(make_result(l003_dpd=41), AS_OF)
    persist_result(make_result(as_of=LATER, l003_dpd=95, l003_suggested="substandard"), LATER)
    # The extract's class is the same at both dates; the floors moved.
    assert set(LoanAssessment.objects.values_list("current_class", flat=True).distinct()) == {
        "normal",
        "special_mention",
    }
    m = queries.migration_matrix(LoanAssessment.objects.all(), AS_OF, LATER)
    assert m.counts == {("normal", "normal"): 2, ("special_mention", "substandard"): 1}
    assert m.balances[("special_mention", "substandard")] == Decimal("3000000.00")


def test_the_migration_matrix_counts_loans_that_came_and_went(bank):
    persist_result(make_result(), AS_OF)
    later = make_result(as_of=LATER, l003_dpd=95, l003_suggested="substandard")
    later.loan_classification = later.loan_classification.filter(
        [r != "L002" for r in later.loan_classification.column("loan_id").to_pylist()]
    )
    persist_result(later, LATER)
    m = queries.migration_matrix(LoanAssessment.objects.all(), AS_OF, LATER)
    assert (m.exited, m.entered, m.total_loans) == ({"normal": 1}, {}, 2)
    back = queries.migration_matrix(LoanAssessment.objects.all(), LATER, AS_OF)
    assert (back.exited, back.entered) == ({}, {"normal": 1})


def test_the_matrix_is_two_queries_whatever_the_portfolio(bank, django_assert_num_queries):
    persist_result(make_result(), AS_OF)
    persist_result(make_result(as_of=LATER, l003_dpd=95, l003_suggested="substandard"), LATER)
    with django_assert_num_queries(2):
        queries.migration_matrix(LoanAssessment.objects.all(), AS_OF, LATER)


def test_the_npl_figures_count_a_loan_at_its_floor_and_its_decision(bank):
    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    branches = [bank.branches[c] for c in ("BR01", "SB01", "SB02")]
    row = queries.npl_by_unit(LoanAssessment.objects.all(), AS_OF, branches)[0]
    assert row["npl"] == Decimal("3000000.00")
    confirm_classification(
        LoanAssessment.objects.get(loan_id="L001"), "substandard", "停产", bank.users["rm_branch"]
    )
    row = queries.npl_by_unit(LoanAssessment.objects.all(), AS_OF, branches)[0]
    assert row["npl"] == Decimal("7000000.00")
    assert row["suggested_npl"] == Decimal("3000000.00")


def test_the_plan_reviews_a_customer_91_days_overdue_as_non_performing(bank):
    c003 = bank.branches["SB02"]
    persist_result(make_result(l003_dpd=91, l003_suggested="substandard", signals=[]), AS_OF)
    assert not Signal.objects.exists()  # no open signal: only its class puts it on the agenda
    assert Loan.objects.get(pk="L003").classification == "special_mention"
    plan = {c.customer_id: c.reasons for c in build_plan(c003, PLAN_DAY).customers}
    assert plan == {"C003": ["non_performing"]}
    assert non_performing_customers(["C001", "C002", "C003"], PLAN_DAY) == {"C003"}


def test_the_plan_follows_a_decision_that_makes_a_customer_non_performing(bank):
    persist_result(make_result(signals=[]), AS_OF)
    assert non_performing_customers(["C001"], PLAN_DAY) == set()
    confirm_classification(
        LoanAssessment.objects.get(loan_id="L001"), "substandard", "停产", bank.users["rm_branch"]
    )
    Loan.objects.filter(pk="L001").update(classification="normal")  # a later extract
    assert non_performing_customers(["C001"], PLAN_DAY) == {"C001"}
    plan = {c.customer_id: c.reasons for c in build_plan(bank.branches["SB01"], PLAN_DAY).customers}
    assert "non_performing" in plan["C001"]


def test_a_loan_new_since_the_screening_is_read_by_its_extract_class(bank):
    persist_result(make_result(signals=[]), AS_OF)
    Loan.objects.filter(pk="L002").update(classification="doubtful")
    LoanAssessment.objects.filter(loan_id="L002").delete()
    assert non_performing_customers(["C002"], PLAN_DAY) == {"C002"}


@pytest.mark.django_db
def test_the_suggestion_is_the_worst_floor_on_a_real_screening(screened_bank):
    """The SQL reads the suggestion as the floor; the engine must keep them equal."""
    from postloan.risk.floors import floor_class

    rows = list(LoanAssessment.objects.filter(as_of=BANK_DATE))
    assert rows and any(a.floors for a in rows)
    for a in rows:
        assert floor_class(a) == a.suggested_class, a.loan_id
    run_screening(BANK_DATE)  # re-screening keeps it so
    for a in LoanAssessment.objects.filter(as_of=BANK_DATE):
        assert floor_class(a) == a.suggested_class, a.loan_id


def test_a_decision_about_an_earlier_date_reaches_the_later_screenings(bank):
    persist_result(make_result(l003_dpd=41), AS_OF)
    persist_result(make_result(as_of=LATER, l003_dpd=71), LATER)
    confirm_classification(
        LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF),
        "doubtful",
        "补录上月认定",
        bank.users["rm_branch"],
    )
    assert classes(LATER)["L003"] == "doubtful"
    assert LoanAssessment.objects.get(loan_id="L003", as_of=LATER).decided_class == "doubtful"


def test_the_dashboard_counts_loans_by_their_current_class(bank):
    from postloan.web.queries.dashboard import compute_dashboard

    persist_result(make_result(l003_dpd=95, l003_suggested="substandard"), AS_OF)
    by_class = {
        r["code"]: r["count"] for r in compute_dashboard(bank.users["rm_branch"], AS_OF).by_class
    }
    assert (by_class["special_mention"], by_class["substandard"]) == (0, 1)  # at its floor
    assert Loan.objects.get(pk="L003").classification == "special_mention"
