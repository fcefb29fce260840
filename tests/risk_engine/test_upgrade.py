from datetime import date

from tests.risk_engine.builders import instalment, loan, one, overdue_by, run

AS_OF = date(2026, 6, 30)


def paid_on_time(months, loan_id="L1", last=date(2026, 6, 15)):
    out = []
    for i in range(months):
        m = last.month - 1 - i
        due = date(last.year + m // 12, m % 12 + 1, 15)
        out.append(instalment(loan_id=loan_id, due=due, paid_off=due))
    return out


def cured_late(loan_id="L1"):
    # missed 2025-11-15, cured 2025-12-01: the clean run starts on 2025-12-01
    return [instalment(loan_id=loan_id, due=date(2025, 11, 15), paid_off=date(2025, 12, 1))]


def suggestion(result, loan_id="L1"):
    return one(result.loan_classification, loan_id=loan_id)


def test_it_allows_an_upgrade_when_every_condition_holds():
    result = run(
        loans=[loan(classification="substandard")], repayments=cured_late() + paid_on_time(7)
    )
    row = suggestion(result)
    assert row["suggested_class"] == "normal" and row["change"] == "upgrade"


def test_it_keeps_the_class_while_still_overdue():
    result = run(
        loans=[loan(classification="doubtful")], repayments=paid_on_time(7) + [overdue_by(5)]
    )
    row = suggestion(result)
    assert row["suggested_class"] == "doubtful"
    assert "CLS-NPL-HOLD" in row["rule_ids"] and "仍逾期 5 天" in row["reasons"]


def test_it_keeps_the_class_before_six_months_of_on_time_payment():
    # cured 2026-01-05; five on-time instalments since, but under six months
    late = [instalment(due=date(2025, 12, 15), paid_off=date(2026, 1, 5))]
    result = run(loans=[loan(classification="substandard")], repayments=late + paid_on_time(5))
    assert suggestion(result)["suggested_class"] == "substandard"


def test_it_keeps_the_class_with_fewer_than_two_on_time_periods():
    # quarterly-or-longer schedule: only one instalment paid since the cure
    schedule = [
        instalment(due=date(2025, 6, 15), paid_off=date(2025, 7, 1)),
        instalment(due=date(2026, 3, 15), paid_off=date(2026, 3, 15)),
    ]
    result = run(loans=[loan(classification="substandard")], repayments=schedule)
    assert suggestion(result)["suggested_class"] == "substandard"


def test_it_keeps_the_class_while_another_asset_of_the_debtor_is_impaired():
    result = run(
        loans=[
            loan(loan_id="L1", classification="substandard"),
            loan(loan_id="L2", credit_impaired=True, ecl_amount=0),
        ],
        repayments=cured_late() + paid_on_time(7),
    )
    row = suggestion(result)
    assert row["suggested_class"] == "substandard"
    assert "L2" in row["reasons"]


def test_it_does_not_upgrade_a_loan_npl_before_restructuring_during_observation():
    result = run(
        loans=[
            loan(
                classification="substandard", restructured=True, restructure_date=date(2025, 12, 20)
            )
        ],
        repayments=cured_late() + paid_on_time(7),
        classification_history=[
            {"loan_id": "L1", "as_of": date(2025, 9, 30), "class": "doubtful", "confirmed": True}
        ],
    )
    row = suggestion(result)
    assert row["suggested_class"] == "doubtful"
    assert "CLS-RESTRUCT-HOLD" in row["rule_ids"]
