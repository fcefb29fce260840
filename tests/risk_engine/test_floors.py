from datetime import date

import pytest

from tests.risk_engine.builders import customer, loan, one, overdue_by, rows, run


def suggestion(result, loan_id="L1"):
    return one(result.loan_classification, loan_id=loan_id)


@pytest.mark.parametrize(
    ("dpd", "expected"),
    [
        (1, "special_mention"),
        (90, "special_mention"),
        (91, "substandard"),
        (270, "substandard"),
        (271, "doubtful"),
        (360, "doubtful"),
        (361, "loss"),
    ],
)
def test_it_floors_by_days_past_due_at_the_boundaries(dpd, expected):
    result = run(loans=[loan()], repayments=[overdue_by(dpd)])
    assert suggestion(result)["suggested_class"] == expected


def test_it_flags_dpd_1_to_7_as_waivable_technical_but_still_suggests_the_floor():
    short = suggestion(run(loans=[loan()], repayments=[overdue_by(7)]))
    assert short["waivable_technical"] is True
    assert short["suggested_class"] == "special_mention"
    assert short["rule_ids"] == "CLS-SM-DPD"
    week = suggestion(run(loans=[loan()], repayments=[overdue_by(8)]))
    assert week["waivable_technical"] is False


def test_it_cites_the_article_and_the_numbers_in_the_reason():
    row = suggestion(run(loans=[loan()], repayments=[overdue_by(95)]))
    assert row["rule_ids"] == "CLS-SUB-DPD90;CLS-SM-DPD"
    assert "第十条" in row["reasons"] and "逾期 95 天" in row["reasons"]
    assert row["change"] == "downgrade"


@pytest.mark.parametrize(
    ("ecl", "expected"),
    [
        (49_99, "substandard"),  # 49.99%
        (50_00, "doubtful"),  # 50%
        (89_99, "doubtful"),
        (90_00, "loss"),
    ],
)
def test_it_floors_impaired_loans_by_provision_share(ecl, expected):
    result = run(loans=[loan(balance=100_00, credit_impaired=True, ecl_amount=ecl)])
    assert suggestion(result)["suggested_class"] == expected


def test_it_does_not_use_provisions_of_loans_not_credit_impaired():
    result = run(loans=[loan(balance=100_00, credit_impaired=False, ecl_amount=95_00)])
    assert suggestion(result)["suggested_class"] == "normal"


@pytest.mark.parametrize(("overdue90", "fires"), [(20_000_00, False), (20_001_00, True)])
def test_it_applies_the_cross_default_20_percent_share_strictly(overdue90, fires):
    result = run(
        loans=[loan()],
        credit_reports=[
            {
                "customer_id": "C1",
                "report_date": date(2026, 5, 1),
                "total_debt_all_fi": 100_000_00,
                "overdue90_debt_all_fi": overdue90,
            }
        ],
    )
    assert (suggestion(result)["suggested_class"] == "substandard") is fires


def test_it_does_not_apply_cross_default_to_retail_debtors():
    result = run(
        loans=[loan()],
        customers=[customer(type="retail")],
        credit_reports=[
            {
                "customer_id": "C1",
                "report_date": date(2026, 5, 1),
                "total_debt_all_fi": 100_00,
                "overdue90_debt_all_fi": 90_00,
            }
        ],
    )
    assert suggestion(result)["suggested_class"] == "normal"


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        ("fund_misuse", "special_mention"),
        ("refinance_to_repay", "special_mention"),
        ("rating_downgrade", "substandard"),
        ("evade_debt", "doubtful"),
        ("bankruptcy", "loss"),
        ("negative_news", "normal"),
    ],
)
def test_it_floors_every_loan_of_a_customer_with_an_open_event(event_type, expected):
    result = run(
        loans=[loan(loan_id="L1"), loan(loan_id="L2")],
        events=[
            {
                "event_id": "E1",
                "customer_id": "C1",
                "event_date": date(2026, 6, 1),
                "type": event_type,
            }
        ],
    )
    assert {r["suggested_class"] for r in result.loan_classification.to_pylist()} == {expected}


def test_it_stops_counting_an_event_once_released_and_ignores_future_events():
    events = [
        {
            "event_id": "E1",
            "customer_id": "C1",
            "event_date": date(2026, 1, 1),
            "type": "bankruptcy",
        },
        {
            "event_id": "E2",
            "customer_id": "C1",
            "event_date": date(2026, 7, 1),
            "type": "evade_debt",
        },
    ]
    released = run(
        loans=[loan()],
        events=events,
        event_releases=[{"event_id": "E1", "released_on": date(2026, 3, 1)}],
    )
    assert suggestion(released)["suggested_class"] == "normal"
    still_open = run(
        loans=[loan()],
        events=events,
        event_releases=[{"event_id": "E1", "released_on": date(2026, 8, 1)}],
    )
    assert suggestion(still_open)["suggested_class"] == "loss"


def test_it_takes_the_worst_floor_and_lists_every_rule_that_fired():
    result = run(
        loans=[loan(credit_impaired=True, ecl_amount=10_000_00)],
        repayments=[overdue_by(100)],
        events=[
            {
                "event_id": "E1",
                "customer_id": "C1",
                "event_date": date(2026, 2, 1),
                "type": "evade_debt",
            }
        ],
    )
    row = suggestion(result)
    assert row["suggested_class"] == "doubtful"
    assert row["rule_ids"].split(";") == [
        "CLS-DBT-EVADE",
        "CLS-SUB-DPD90",
        "CLS-SUB-IMPAIRED",
        "CLS-SM-DPD",
    ]
    assert len(rows(result.loan_floors, loan_id="L1")) == 4


def test_it_never_lets_collateral_lift_a_loan_above_its_floor():
    result = run(
        loans=[loan(guarantee_method="mortgage", balance=100_000_00)],
        repayments=[overdue_by(120)],
        collaterals=[
            {
                "collateral_id": "K1",
                "type": "deposit",
                "appraised_value": 900_000_00,
                "appraisal_date": date(2026, 6, 1),
            }
        ],
        guarantees=[
            {
                "guarantee_id": "G1",
                "loan_id": "L1",
                "kind": "pledge",
                "collateral_id": "K1",
                "secured_amount": 900_000_00,
            },
            {
                "guarantee_id": "G2",
                "loan_id": "L1",
                "kind": "guarantor",
                "guarantor_name": "某担保公司",
            },
        ],
    )
    assert suggestion(result)["suggested_class"] == "substandard"
