from datetime import date, timedelta

import pytest

from tests.risk_engine.builders import (
    AS_OF,
    customer,
    instalment,
    loan,
    overdue_by,
    rows,
    run,
)


def signals(result, rule_id):
    return rows(result.signals, rule_id=rule_id)


@pytest.mark.parametrize(
    ("dpd", "rule_id", "level"),
    [
        (3, "EW-DPD-SHORT", "yellow"),
        (8, "EW-DPD", "yellow"),
        (30, "EW-DPD", "yellow"),
        (31, "EW-DPD", "orange"),
        (90, "EW-DPD", "orange"),
        (91, "EW-DPD", "red"),
    ],
)
def test_it_raises_overdue_signals_at_their_levels(dpd, rule_id, level):
    result = run(loans=[loan()], repayments=[overdue_by(dpd)])
    found = [
        (s["rule_id"], s["level"])
        for s in result.signals.to_pylist()
        if s["family"] == "repayment" and s["rule_id"].startswith("EW-DPD")
    ]
    assert found == [(rule_id, level)]


def test_it_warns_when_funds_do_not_cover_a_maturity_three_days_ahead():
    tables = dict(
        loans=[loan(maturity_date=AS_OF + timedelta(days=3), balance=500_000_00)],
        accounts=[{"account_id": "A1", "customer_id": "C1"}],
    )
    short = run(
        **tables,
        account_balances=[{"account_id": "A1", "balance_date": AS_OF, "balance": 499_999_00}],
    )
    assert [s["level"] for s in signals(short, "EW-MATURITY-FUNDS")] == ["orange"]
    covered = run(
        **tables,
        account_balances=[{"account_id": "A1", "balance_date": AS_OF, "balance": 500_000_00}],
    )
    assert signals(covered, "EW-MATURITY-FUNDS") == []


def test_it_checks_interest_funds_only_near_the_quarter_interest_date():
    tables = dict(
        loans=[loan(balance=1_000_000_00, interest_rate=0.036)],
        accounts=[{"account_id": "A1", "customer_id": "C1"}],
        account_balances=[
            {"account_id": "A1", "balance_date": date(2026, 6, 17), "balance": 100_00}
        ],
    )
    near = run(as_of=date(2026, 6, 18), **tables)
    assert len(signals(near, "EW-INTEREST-FUNDS")) == 1
    far = run(as_of=date(2026, 6, 10), **tables)
    assert signals(far, "EW-INTEREST-FUNDS") == []


def test_it_looks_back_on_the_last_interest_date_with_the_balance_held_before_it():
    def balances(before_interest_date):
        return [
            {
                "account_id": "A1",
                "balance_date": date(2026, 6, 19),
                "balance": before_interest_date,
            },
            {"account_id": "A1", "balance_date": date(2026, 7, 14), "balance": 900_000_00},
        ]

    tables = dict(
        loans=[loan(balance=1_000_000_00, interest_rate=0.036)],
        accounts=[{"account_id": "A1", "customer_id": "C1"}],
    )
    # 2026-06-20 passed 25 days ago; 按季结息 ≈ 1,000,000 × 3.6% × 92 / 360 = 9,200 yuan.
    short = run(as_of=date(2026, 7, 15), account_balances=balances(9_000_00), **tables)
    (found,) = signals(short, "EW-INTEREST-FUNDS")
    assert '"passed":true' in found["evidence"].replace(" ", "")
    assert "2026-06-20" in found["summary_zh"]
    covered = run(as_of=date(2026, 7, 15), account_balances=balances(9_300_00), **tables)
    assert signals(covered, "EW-INTEREST-FUNDS") == []
    too_long_ago = run(as_of=date(2026, 8, 10), account_balances=balances(9_000_00), **tables)
    assert signals(too_long_ago, "EW-INTEREST-FUNDS") == []


@pytest.mark.parametrize(("paid_off", "fires"), [(date(2026, 6, 19), False), (None, True)])
def test_it_takes_an_interest_instalment_paid_on_time_as_covered(paid_off, fires):
    result = run(
        as_of=date(2026, 7, 15),
        loans=[loan(balance=1_000_000_00, interest_rate=0.036)],
        repayments=[instalment(due=date(2026, 6, 19), paid_off=paid_off, interest=9_000_00)],
        accounts=[{"account_id": "A1", "customer_id": "C1"}],
        account_balances=[{"account_id": "A1", "balance_date": date(2026, 6, 18), "balance": 1}],
    )
    assert bool(signals(result, "EW-INTEREST-FUNDS")) is fires


def test_it_does_not_chain_guarantor_warnings_through_earlier_runs():
    tables = dict(
        loans=[loan(), loan(loan_id="L2", customer_id="C2")],
        guarantees=[
            {
                "guarantee_id": "G1",
                "loan_id": "L1",
                "kind": "guarantor",
                "guarantor_customer_id": "C2",
                "guarantor_name": "乙",
            }
        ],
    )
    chained = run(
        prior_signals=[
            {"rule_id": "EW-GUARANTOR", "customer_id": "C2", "status": "issued", "level": "orange"}
        ],
        **tables,
    )
    assert signals(chained, "EW-GUARANTOR") == []
    real = run(
        prior_signals=[
            {"rule_id": "EW-LITIGATION", "customer_id": "C2", "status": "issued", "level": "red"}
        ],
        **tables,
    )
    assert [s["customer_id"] for s in signals(real, "EW-GUARANTOR")] == ["C1"]


def flows(monthly_inflows, category="sales_proceeds"):
    """One inflow per month, the last entry in June 2026 (the last complete month)."""
    out = []
    for i, amount in enumerate(reversed(monthly_inflows)):
        m = 5 - i
        when = date(2026 + m // 12, m % 12 + 1, 10)
        out.append(
            {
                "txn_id": f"T{i}",
                "account_id": "A1",
                "txn_date": when,
                "direction": "in",
                "amount": amount,
                "category": category,
                "counterparty_name": "某客户有限公司",
            }
        )
    return out


ACCOUNT = [{"account_id": "A1", "customer_id": "C1"}]


@pytest.mark.parametrize(
    ("last_two", "level"),
    [((70_00, 70_00), "yellow"), ((50_00, 50_00), "orange"), ((70_00, 71_00), None)],
)
def test_it_warns_on_two_months_of_low_inflow(last_two, level):
    result = run(
        loans=[loan()], accounts=ACCOUNT, transactions=flows([100_00] * 6 + list(last_two))
    )
    found = [s["level"] for s in signals(result, "EW-INFLOW-DROP")]
    assert found == ([level] if level else [])


def test_it_warns_when_sales_proceeds_return_below_the_covenant():
    invoices = [
        {
            "customer_id": "C1",
            "month": date(2026, m, 1),
            "invoice_type": "vat_special",
            "amount": 100_00,
        }
        for m in range(1, 7)
    ]
    low = run(
        loans=[loan()],
        accounts=ACCOUNT,
        tax_invoices=invoices,
        transactions=flows([80_00] * 6 + [49_00]),
    )
    assert len(signals(low, "EW-RETURN-RATIO")) == 1
    ok = run(
        loans=[loan()],
        accounts=ACCOUNT,
        tax_invoices=invoices,
        transactions=flows([65_00] * 6 + [50_00]),
    )
    assert signals(ok, "EW-RETURN-RATIO") == []


def test_it_finds_loan_funds_flowing_to_a_related_party_within_30_days():
    base = dict(
        loans=[loan()],
        customers=[customer(name="甲公司")],
        accounts=ACCOUNT,
        related_parties=[
            {"customer_id": "C1", "related_name": "乙投资有限公司", "relation": "affiliate"}
        ],
        disbursements=[
            {
                "loan_id": "L1",
                "pay_date": date(2026, 6, 1),
                "amount": 500_000_00,
                "payee_name": "丙材料有限公司",
                "payment_method": "entrusted",
            }
        ],
    )

    def out(day):
        return [
            {
                "txn_id": "T1",
                "account_id": "A1",
                "txn_date": day,
                "direction": "out",
                "amount": 300_000_00,
                "counterparty_name": "乙投资有限公司",
            }
        ]

    inside = run(**base, transactions=out(date(2026, 6, 20)))
    assert [s["level"] for s in signals(inside, "EW-FUND-USE")] == ["red"]
    assert "资金流向关联方" in signals(inside, "EW-FUND-USE")[0]["summary_zh"]
    later = run(as_of=date(2026, 7, 31), **base, transactions=out(date(2026, 7, 20)))
    assert signals(later, "EW-FUND-USE") == []


def test_it_finds_a_large_outflow_to_an_individual():
    txns = flows([1_000_000_00] * 8) + [
        {
            "txn_id": "X1",
            "account_id": "A1",
            "txn_date": date(2026, 6, 20),
            "direction": "out",
            "amount": 300_000_00,
            "counterparty_name": "王小明",
            "category": "other",
        }
    ]
    result = run(loans=[loan()], accounts=ACCOUNT, transactions=txns)
    assert [s["level"] for s in signals(result, "EW-LARGE-OUTFLOW")] == ["orange"]
    smaller = [*txns[:-1], {**txns[-1], "amount": 299_999_00}]
    assert (
        signals(run(loans=[loan()], accounts=ACCOUNT, transactions=smaller), "EW-LARGE-OUTFLOW")
        == []
    )


def statement(year, revenue, assets=1000_00, liabilities=500_00, ca=200_00, cl=100_00, ocf=10_00):
    return {
        "customer_id": "C1",
        "period_end": date(year, 12, 31),
        "period_type": "annual",
        "revenue": revenue,
        "total_assets": assets,
        "total_liabilities": liabilities,
        "current_assets": ca,
        "current_liabilities": cl,
        "operating_cash_flow": ocf,
    }


@pytest.mark.parametrize(("revenue", "level"), [(81_00, None), (80_00, "orange"), (70_00, "red")])
def test_it_warns_on_revenue_down_year_on_year(revenue, level):
    result = run(loans=[loan()], financials=[statement(2024, 100_00), statement(2025, revenue)])
    assert [s["level"] for s in signals(result, "EW-REVENUE-DROP")] == ([level] if level else [])


def test_it_warns_on_leverage_liquidity_and_negative_cash_flow():
    result = run(
        loans=[loan()],
        financials=[
            statement(2024, 100_00, ocf=-1_00),
            statement(2025, 100_00, liabilities=710_00, ca=99_00, cl=100_00, ocf=-1_00),
        ],
    )
    assert {s["rule_id"] for s in result.signals.to_pylist()} == {
        "EW-LEVERAGE",
        "EW-LIQUIDITY",
        "EW-OCF-NEG",
    }


def test_it_warns_on_invoices_down_30_percent_on_the_year():
    def inv(year, month, amount):
        return {
            "customer_id": "C1",
            "month": date(year, month, 1),
            "invoice_type": "vat_general",
            "amount": amount,
        }

    invoices = [inv(2025, m, 100_00) for m in (4, 5, 6)] + [inv(2026, m, 70_00) for m in (4, 5, 6)]
    assert len(signals(run(loans=[loan()], tax_invoices=invoices), "EW-TAX-DROP")) == 1


def test_it_reads_credit_reports_against_the_previous_one():
    reports = [
        {
            "customer_id": "C1",
            "report_date": date(2026, 1, 1),
            "total_debt_all_fi": 100_00,
            "overdue_debt_all_fi": 0,
            "nonperforming_other_fi": False,
        },
        {
            "customer_id": "C1",
            "report_date": date(2026, 6, 1),
            "total_debt_all_fi": 130_00,
            "overdue_debt_all_fi": 5_00,
            "nonperforming_other_fi": True,
        },
    ]
    result = run(loans=[loan()], credit_reports=reports)
    assert [(s["rule_id"], s["level"]) for s in result.signals.to_pylist()] == [
        ("EW-CREDIT-DEBT-JUMP", "yellow"),
        ("EW-CREDIT-OVERDUE", "red"),
    ]


@pytest.mark.parametrize(
    ("event_type", "amount", "rule_id", "level"),
    [
        ("litigation", 9_00, "EW-LITIGATION", "orange"),
        ("litigation", 10_00, "EW-LITIGATION", "red"),  # 10% of net assets 100
        ("dishonest", None, "EW-LITIGATION", "red"),
        ("controller_change", None, "EW-CONTROLLER", "orange"),
        ("controller_missing", None, "EW-CONTROLLER", "red"),
        ("policy_impact", None, "EW-POLICY", "orange"),
        ("inspection_finding", None, "EW-INSPECTION", "orange"),
        ("negative_news", None, "EW-NEWS", "yellow"),
    ],
)
def test_it_raises_event_signals_at_their_levels(event_type, amount, rule_id, level):
    result = run(
        loans=[loan()],
        financials=[statement(2025, 100_00, assets=300_00, liabilities=200_00)],
        events=[
            {
                "event_id": "E1",
                "customer_id": "C1",
                "event_date": date(2026, 5, 1),
                "type": event_type,
                "amount": amount,
            }
        ],
    )
    assert [(s["rule_id"], s["level"]) for s in result.signals.to_pylist()] == [(rule_id, level)]


def test_it_applies_a_parent_branchs_restricted_industry_list():
    result = run(
        loans=[loan()],
        branches=[
            {"branch_code": "B0", "name": "总行", "level": "head_office"},
            {"branch_code": "B1", "name": "支行", "level": "sub_branch", "parent_code": "B0"},
        ],
        restricted_industries=[{"branch_code": "B0", "industry_prefix": "C30"}],
    )
    assert len(signals(result, "EW-POLICY")) == 1


def collateral_tables(
    market_value, ctype="real_estate", appraised=1_000_000_00, appraisal_date=date(2026, 1, 1)
):
    return dict(
        collaterals=[
            {
                "collateral_id": "K1",
                "type": ctype,
                "appraised_value": appraised,
                "appraisal_date": appraisal_date,
            }
        ],
        collateral_values=[]
        if market_value is None
        else [
            {"collateral_id": "K1", "value_date": date(2026, 6, 1), "market_value": market_value}
        ],
        guarantees=[
            {"guarantee_id": "G1", "loan_id": "L1", "kind": "mortgage", "collateral_id": "K1"}
        ],
    )


@pytest.mark.parametrize(
    ("market", "balance", "fires"),
    [
        (800_000_00, 100_000_00, True),  # value at 80% of appraisal
        (810_000_00, 100_000_00, False),
        (None, 700_000_00, False),  # LTV 70% = ceiling
        (None, 700_001_00, True),  # LTV just above 70%
    ],
)
def test_it_warns_on_collateral_value_and_loan_to_value(market, balance, fires):
    result = run(loans=[loan(balance=balance, principal=balance)], **collateral_tables(market))
    assert bool(signals(result, "EW-COLLATERAL-VALUE")) is fires


def test_it_warns_on_stale_appraisals_by_type():
    old = date(2025, 6, 1)  # 13 months before the as-of date
    assert signals(
        run(loans=[loan()], **collateral_tables(None, appraisal_date=old)), "EW-APPRAISAL-STALE"
    )
    recent = date(2025, 8, 1)
    assert not signals(
        run(loans=[loan()], **collateral_tables(None, appraisal_date=recent)), "EW-APPRAISAL-STALE"
    )
    assert signals(
        run(loans=[loan()], **collateral_tables(None, "equity", appraisal_date=recent)),
        "EW-APPRAISAL-STALE",
    )


def test_it_warns_when_a_guarantor_customer_is_in_trouble():
    guarantees = [
        {"guarantee_id": "G1", "loan_id": "L1", "kind": "guarantor", "guarantor_customer_id": "C2"}
    ]
    npl = run(
        loans=[loan(loan_id="L1"), loan(loan_id="L2", customer_id="C2")],
        repayments=[overdue_by(100, "L2")],
        guarantees=guarantees,
    )
    assert [(s["customer_id"], s["loan_id"]) for s in signals(npl, "EW-GUARANTOR")] == [
        ("C1", "L1")
    ]
    prior = run(
        loans=[loan(loan_id="L1"), loan(loan_id="L2", customer_id="C2")],
        guarantees=guarantees,
        prior_signals=[
            {"rule_id": "EW-NEWS", "customer_id": "C2", "status": "handling", "level": "orange"}
        ],
    )
    assert len(signals(prior, "EW-GUARANTOR")) == 1
    released = run(
        loans=[loan(loan_id="L1"), loan(loan_id="L2", customer_id="C2")],
        guarantees=guarantees,
        prior_signals=[
            {"rule_id": "EW-NEWS", "customer_id": "C2", "status": "released", "level": "red"}
        ],
    )
    assert signals(released, "EW-GUARANTOR") == []


def test_it_warns_on_overdue_inspections():
    result = run(
        loans=[loan()],
        inspections_due=[
            {"customer_id": "C1", "due_date": date(2026, 6, 1), "done_date": None},
            {"customer_id": "C1", "due_date": date(2026, 5, 1), "done_date": date(2026, 5, 2)},
        ],
    )
    found = signals(result, "EW-INSPECTION-OVERDUE")
    assert len(found) == 1 and "已逾期 29 天" in found[0]["summary_zh"]
