from datetime import date

from tests.risk_engine.builders import instalment, loan, one, run

RESTRUCTURED = date(2025, 6, 15)


def monthly(first=date(2025, 7, 15), n=24, paid_until=date(2026, 6, 30), late=None):
    """Instalments on the 15th; paid on time up to `paid_until`; `late` maps due → paid date."""
    late = late or {}
    out = []
    for i in range(n):
        m = first.month - 1 + i
        due = date(first.year + m // 12, m % 12 + 1, 15)
        paid = late.get(due, due if due <= paid_until else None)
        out.append(instalment(due=due, paid_off=paid, principal=10_000_00, interest=500_00))
    return out


def restructured(**kw):
    return loan(restructured=True, restructure_date=RESTRUCTURED, **kw)


def classify(as_of, schedule, **tables):
    result = run(as_of=as_of, loans=[restructured()], repayments=schedule, **tables)
    return one(result.loan_classification, loan_id="L1"), result


def test_it_keeps_a_restructured_loan_at_least_special_mention_for_a_year_from_first_payment():
    inside, result = classify(date(2026, 7, 15), monthly())
    assert inside["suggested_class"] == "special_mention"
    assert inside["rule_ids"] == "CLS-RESTRUCT"
    assert "观察期 2025-07-15 至 2026-07-15" in one(result.loan_floors, loan_id="L1")["reason_zh"]
    after, _ = classify(date(2026, 7, 16), monthly(paid_until=date(2026, 7, 16)))
    assert after["suggested_class"] == "normal"


def test_it_restarts_the_observation_period_from_a_missed_payment():
    late = {date(2025, 12, 15): date(2025, 12, 20)}
    row, result = classify(date(2026, 8, 1), monthly(paid_until=date(2026, 8, 1), late=late))
    assert row["suggested_class"] == "special_mention"
    reason = one(result.loan_floors, loan_id="L1")["reason_zh"]
    assert "观察期 2025-12-15 至 2026-12-15" in reason and "重新起算 1 次" in reason


def test_it_puts_a_restructured_loan_overdue_in_observation_at_least_substandard():
    row, _ = classify(date(2026, 6, 30), monthly(paid_until=date(2026, 5, 31)))
    assert row["dpd"] == 15
    assert row["suggested_class"] == "substandard"
    assert row["rule_ids"].startswith("CLS-RESTRUCT-FAIL")


def test_it_puts_a_loan_restructured_again_in_observation_at_least_substandard():
    result = run(
        as_of=date(2026, 6, 30),
        loans=[loan(restructured=True, restructure_date=date(2026, 3, 1))],
        repayments=monthly(),
        restructurings=[{"loan_id": "L1", "restructure_date": RESTRUCTURED}],
    )
    row = one(result.loan_classification, loan_id="L1")
    assert row["suggested_class"] == "substandard"
    assert "再次重组" in row["reasons"]


def test_it_uses_the_later_end_when_two_periods_outlast_a_year():
    # yearly instalments: two periods from the first payment end two years later
    schedule = [
        instalment(due=date(2026, 1, 1), paid_off=date(2026, 1, 1)),
        instalment(due=date(2027, 1, 1)),
        instalment(due=date(2028, 1, 1)),
    ]
    result = run(
        as_of=date(2027, 6, 30),
        loans=[
            loan(
                restructured=True, restructure_date=date(2025, 9, 1), maturity_date=date(2028, 1, 1)
            )
        ],
        repayments=[
            {
                **schedule[1],
                "paid_off_date": date(2027, 1, 1),
                "principal_paid": schedule[1]["principal_due"],
                "interest_paid": schedule[1]["interest_due"],
            },
            schedule[0],
            schedule[2],
        ],
    )
    assert one(result.loan_classification, loan_id="L1")["rule_ids"] == "CLS-RESTRUCT"
