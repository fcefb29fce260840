from datetime import date

import pytest

from postloan.risk.engine import META, Thresholds, rules, screen
from tests.risk_engine.builders import AS_OF, bank, customer, loan, overdue_by, rows, run

SPEC_RULE_IDS = {
    "CLS-SM-DPD",
    "CLS-SM-MISUSE",
    "CLS-SM-REFI",
    "CLS-SM-NPL-ELSEWHERE",
    "CLS-SUB-DPD90",
    "CLS-SUB-IMPAIRED",
    "CLS-SUB-RATING",
    "CLS-SUB-CROSS20",
    "CLS-DBT-DPD270",
    "CLS-DBT-EVADE",
    "CLS-DBT-ECL50",
    "CLS-LOSS-DPD360",
    "CLS-LOSS-BANKRUPT",
    "CLS-LOSS-ECL90",
    "CLS-NPL-CONTAGION",
    "CLS-RESTRUCT",
    "CLS-RESTRUCT-FAIL",
    "EW-DPD-SHORT",
    "EW-DPD",
    "EW-MATURITY-FUNDS",
    "EW-INTEREST-FUNDS",
    "EW-RETURN-RATIO",
    "EW-INFLOW-DROP",
    "EW-FUND-USE",
    "EW-LARGE-OUTFLOW",
    "EW-REVENUE-DROP",
    "EW-LEVERAGE",
    "EW-LIQUIDITY",
    "EW-OCF-NEG",
    "EW-TAX-DROP",
    "EW-CREDIT-OVERDUE",
    "EW-CREDIT-DEBT-JUMP",
    "EW-GUARANTEES-GIVEN",
    "EW-LITIGATION",
    "EW-CONTROLLER",
    "EW-POLICY",
    "EW-INSPECTION",
    "EW-NEWS",
    "EW-COLLATERAL-VALUE",
    "EW-APPRAISAL-STALE",
    "EW-GUARANTOR",
    "EW-INSPECTION-OVERDUE",
}


def test_it_implements_every_rule_of_the_specs_with_its_metadata():
    bound = {r.rule_id: r for r in rules()}
    assert set(bound) >= SPEC_RULE_IDS
    for rule_id in SPEC_RULE_IDS:
        meta = META[rule_id]
        assert meta.article and meta.family
        assert (meta.floor_class is not None) if meta.kind == "floor" else meta.level


def test_it_gives_identical_results_when_screening_twice():
    con = bank(
        loans=[loan(loan_id="L1"), loan(loan_id="L2", customer_id="C2", balance=5_00)],
        repayments=[overdue_by(100, "L1"), overdue_by(3, "L2")],
        events=[
            {
                "event_id": "E1",
                "customer_id": "C2",
                "event_date": date(2026, 1, 1),
                "type": "negative_news",
            }
        ],
    )
    first = screen(con, AS_OF, Thresholds())
    second = screen(con, AS_OF, Thresholds())
    for name, table in first.tables().items():
        assert table.equals(second.tables()[name]), name


def test_it_reports_rules_it_could_not_evaluate_instead_of_crashing():
    result = run(loans=[loan()], repayments=[overdue_by(10)])
    missing = {
        r["rule_id"]: r["reason_zh"]
        for r in result.not_evaluated.to_pylist()
        if r["customer_id"] is None
    }
    assert "财务报表（financials）" in missing["EW-REVENUE-DROP"]
    assert "EW-FUND-USE" in missing and "CLS-SUB-CROSS20" in missing
    assert "EW-DPD" not in missing
    assert rows(result.signals, rule_id="EW-DPD")


def test_it_lists_customers_without_statements_as_not_evaluated():
    result = run(
        loans=[loan(loan_id="L1", customer_id="C1"), loan(loan_id="L2", customer_id="C2")],
        customers=[customer(customer_id="C1"), customer(customer_id="C2", type="retail")],
        financials=[{"customer_id": "C9", "period_end": date(2025, 12, 31), "revenue": 1}],
    )
    found = rows(result.not_evaluated, rule_id="EW-REVENUE-DROP")
    assert [(r["customer_id"], r["reason_zh"]) for r in found] == [("C1", "无财务报表，未评估")]


@pytest.mark.parametrize(
    ("bad", "issue"),
    [
        ({"balance": 1_000_001_00}, "balance_over_principal"),
        ({"maturity_date": date(2024, 12, 31)}, "maturity_before_start"),
    ],
)
def test_it_reports_contradictory_loans_and_keeps_them_out_of_results(bad, issue):
    result = run(
        loans=[loan(loan_id="L1", **bad), loan(loan_id="L2")], repayments=[overdue_by(100, "L1")]
    )
    assert [(r["loan_id"], r["issue"]) for r in result.data_issues.to_pylist()] == [("L1", issue)]
    assert [r["loan_id"] for r in result.loan_classification.to_pylist()] == ["L2"]
    assert rows(result.signals, loan_id="L1") == []


def test_it_reports_instalments_paid_beyond_what_was_due():
    bad = {**overdue_by(10), "principal_paid": 100_000_01}
    result = run(loans=[loan()], repayments=[bad])
    assert [r["issue"] for r in result.data_issues.to_pylist()] == ["principal_paid_over_due"]
    assert result.loan_classification.num_rows == 0


def test_it_ranks_customers_on_several_dimensions_and_explains_the_rank():
    result = run(
        loans=[
            loan(loan_id="L1", customer_id="C1", balance=100_000_00),
            loan(loan_id="L2", customer_id="C2", balance=900_000_00),
            loan(loan_id="L3", customer_id="C3", balance=100_000_00),
        ],
        repayments=[overdue_by(100, "L1")],
        events=[
            {
                "event_id": "E1",
                "customer_id": "C2",
                "event_date": date(2026, 1, 1),
                "type": "negative_news",
            }
        ],
    )
    view = result.risk_view.to_pylist()
    assert [v["customer_id"] for v in view] == ["C1", "C2", "C3"]
    top = view[0]
    assert top["worst_class"] == "substandard" and top["max_dpd"] == 100
    assert top["npl_balance_fen"] == 100_000_00 and top["n_red"] == 1
    assert (
        top["explanation_zh"].startswith("分类次级类") and "最长逾期100天" in top["explanation_zh"]
    )
    assert view[1]["explanation_zh"].startswith("敞口") and "舆情1" in view[1]["explanation_zh"]
    assert view[2]["explanation_zh"] == "无风险因素"


def test_it_takes_thresholds_from_a_mapping_and_refuses_unknown_names():
    th = Thresholds.from_dict({"dpd_orange_over": "60", "return_ratio_min": "0.4"})
    assert th.dpd_orange_over == 60 and str(th.return_ratio_min) == "0.4"
    with pytest.raises(ValueError, match="未知的预警阈值"):
        Thresholds.from_dict({"no_such": 1})
    result = run(loans=[loan()], repayments=[overdue_by(45)], thresholds=th)
    assert rows(result.signals, rule_id="EW-DPD")[0]["level"] == "yellow"
