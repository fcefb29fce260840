from datetime import date

import pytest

from tests.risk_engine.builders import customer, loan, one, overdue_by, rows, run


@pytest.mark.parametrize(("npl_balance", "spreads"), [(10_00, False), (10_01, True)])
def test_it_spreads_non_performing_over_a_tenth_of_the_balance_to_all_loans(npl_balance, spreads):
    result = run(
        loans=[
            loan(loan_id="L1", balance=npl_balance),
            loan(loan_id="L2", balance=100_00 - npl_balance),
        ],
        repayments=[overdue_by(100, "L1")],
    )
    other = one(result.loan_classification, loan_id="L2")
    assert (other["suggested_class"] == "substandard") is spreads
    assert ("CLS-NPL-CONTAGION" in other["rule_ids"]) is spreads
    # NPL here also puts the debtor's other loans at least special mention
    assert other["suggested_class"] in ("special_mention", "substandard")


def test_it_does_not_spread_among_a_retail_debtors_loans():
    result = run(
        loans=[loan(loan_id="L1", balance=50_00), loan(loan_id="L2", balance=50_00)],
        customers=[customer(type="retail")],
        repayments=[overdue_by(100, "L1")],
    )
    assert one(result.loan_classification, loan_id="L2")["suggested_class"] == "normal"


def test_it_marks_debtors_non_performing_at_another_bank_special_mention():
    result = run(
        loans=[loan()],
        credit_reports=[
            {"customer_id": "C1", "report_date": date(2026, 4, 1), "nonperforming_other_fi": True}
        ],
    )
    row = one(result.loan_classification, loan_id="L1")
    assert row["suggested_class"] == "special_mention"
    assert row["rule_ids"] == "CLS-SM-NPL-ELSEWHERE"


def test_it_opens_review_tasks_for_the_other_group_members_only():
    result = run(
        loans=[
            loan(loan_id="L1", customer_id="C1"),
            loan(loan_id="L2", customer_id="C2"),
            loan(loan_id="L3", customer_id="C3"),
        ],
        customers=[
            customer(customer_id="C1", group_id="G1"),
            customer(customer_id="C2", group_id="G1"),
            customer(customer_id="C3", group_id="G2"),
        ],
        repayments=[overdue_by(100, "L1")],
    )
    tasks = result.review_tasks.to_pylist()
    assert [(t["customer_id"], t["trigger_customer_id"]) for t in tasks] == [("C2", "C1")]
    # the member itself is not downgraded by the group
    assert one(result.loan_classification, loan_id="L2")["suggested_class"] == "normal"
    assert rows(result.loan_floors, loan_id="L2") == []
