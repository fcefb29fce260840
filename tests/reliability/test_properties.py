"""Property-based tests (hypothesis): the importer's column parsers and the classification engine."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postloan import contract
from postloan.ingest import columns
from tests.ingest.test_columns import parse
from tests.risk_engine.builders import loan, one, overdue_by, run

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ENGINE = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEVERITY = {code: rank for rank, (code, _label) in enumerate(contract.CLASSES)}

amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False
)
spaces = st.sampled_from(["", " ", "\t", "\u3000", "\u00a0"])


def grouped(d: Decimal) -> str:
    return f"{d:,.2f}"


@FAST
@given(amount=amounts, with_commas=st.booleans(), left=spaces, right=spaces)
def test_it_parses_every_well_formed_amount_to_exact_fen(amount, with_commas, left, right):
    text = left + (grouped(amount) if with_commas else f"{amount:.2f}") + right
    ((value, reason),) = parse("facilities", "limit_amount", [text])
    assert reason is None
    assert value == int(amount * 100)


@FAST
@given(text=st.text(max_size=30))
def test_it_either_parses_an_amount_or_names_the_reason(text):
    ((value, reason),) = parse("financials", "net_profit", [text])
    if reason is None:
        assert value is not None or not text.strip(columns.TRIM_CHARS)
    else:
        assert value is None
        assert any("\u4e00" <= ch <= "\u9fff" for ch in reason)  # a Chinese reason


@FAST
@given(
    day=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)),
    style=st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]),
)
def test_it_parses_every_real_date_in_the_accepted_styles(day, style):
    ((value, reason),) = parse("loans", "start_date", [day.strftime(style)])
    assert reason is None and value == day


@FAST
@given(n=st.integers(min_value=0, max_value=10**9))
def test_it_parses_non_negative_integers(n):
    ((value, reason),) = parse("staff", "credit_years", [str(n)])
    assert reason is None and value == n


@ENGINE
@given(
    dpd=st.integers(min_value=0, max_value=800),
    more=st.integers(min_value=1, max_value=400),
    restructured=st.booleans(),
    current=st.sampled_from([c for c, _ in contract.CLASSES]),
)
def test_it_never_improves_the_classification_when_dpd_grows(dpd, more, restructured, current):
    def suggested(days):
        repayments = [overdue_by(days)] if days else []
        result = run(
            loans=[loan(restructured=restructured, classification=current)], repayments=repayments
        )
        return one(result.loan_classification, loan_id="L1")["suggested_class"]

    assert SEVERITY[suggested(dpd + more)] >= SEVERITY[suggested(dpd)]


@ENGINE
@given(dpd=st.integers(min_value=0, max_value=800))
def test_it_gives_the_same_answer_every_time_for_the_same_data(dpd):
    def outcome():
        result = run(loans=[loan()], repayments=[overdue_by(dpd)] if dpd else [])
        return result.loan_classification.to_pylist(), result.loan_dpd.to_pylist()

    assert outcome() == outcome()


def test_it_re_screens_idempotently(screened_bank):
    from postloan.risk.actions.screening import run_screening
    from postloan.risk.models import CustomerRiskView, LoanAssessment, Signal
    from tests.factories import AS_OF

    def state():
        return (
            sorted(
                LoanAssessment.objects.values_list(
                    "loan_id", "as_of", "dpd", "suggested_class", "status", "rule_ids"
                )
            ),
            sorted(
                Signal.objects.values_list(
                    "pk", "rule_id", "customer_id", "level", "status", "raised_on"
                )
            ),
            sorted(
                CustomerRiskView.objects.values_list(
                    "customer_id", "as_of", "worst_class", "max_dpd", "rank"
                )
            ),
        )

    first = state()
    assert first[0]
    run_screening(AS_OF)
    run_screening(AS_OF)
    assert state() == first
