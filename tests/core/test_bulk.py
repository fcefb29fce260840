"""`core.bulk`: rows written without model instances read back exactly as the ORM writes them
(executemany on SQLite, COPY on PostgreSQL)."""

import datetime as dt
from decimal import Decimal

from postloan.core.bulk import insert_rows, update_rows
from postloan.risk.models import LoanAssessment

FIELDS = (
    "as_of",
    "loan_id",
    "customer_id",
    "dpd",
    "balance",
    "overdue_interest",
    "current_class",
    "suggested_class",
    "rule_ids",
    "reasons",
    "floors",
    "change",
    "waivable_technical",
    "run_id",
    "status",
)


def _row(loan, **extra) -> dict:
    return {
        "as_of": dt.date(2026, 10, 31),
        "loan_id": loan.pk,
        "customer_id": loan.customer_id,
        "dpd": 95,
        "balance": Decimal("1234567.89"),
        "current_class": "normal",
        "suggested_class": "substandard",
        "rule_ids": "CLS-SUB-DPD",
        "reasons": '逾期 95 天，"次级"\n第二行 \\N \\. tab\there',
        "floors": [{"rule_id": "CLS-SUB-DPD", "evidence": {"dpd": 95, "备注": '逗号, 引号"'}}],
        "change": "downgrade",
        "waivable_technical": True,
        **extra,
    }


def test_inserted_rows_read_back_as_the_orm_writes_them(bank):
    loans = list(bank.loans.values())
    by_orm = LoanAssessment.objects.create(**_row(loans[0]))
    kept_id = by_orm.pk + 1000
    sent = insert_rows(
        LoanAssessment,
        [
            _row(loans[1]),
            _row(loans[0], id=kept_id, as_of=dt.date(2026, 9, 30), reasons="", floors=[]),
        ],
    )
    assert sent == 2
    orm = LoanAssessment.objects.filter(pk=by_orm.pk).values(*FIELDS).get()
    bulk = LoanAssessment.objects.exclude(pk__in=[by_orm.pk, kept_id]).values(*FIELDS).get()
    assert bulk == {**orm, "loan_id": loans[1].pk, "customer_id": loans[1].customer_id}
    assert bulk["status"] == LoanAssessment._meta.get_field("status").default
    kept = LoanAssessment.objects.get(pk=kept_id)
    assert (kept.reasons, kept.floors, kept.overdue_principal) == ("", [], Decimal("0"))
    fresh = LoanAssessment.objects.create(**_row(loans[2]))  # the sequence still hands out ids
    assert fresh.pk not in (by_orm.pk, kept_id)


def test_updated_fields_read_back_as_saved(bank):
    loan = bank.loans["L001"]
    a = LoanAssessment.objects.create(**_row(loan))
    a.floors, a.balance, a.reasons = [{"x": "一"}], Decimal("0.01"), "新"
    assert update_rows(LoanAssessment, [a], ["floors", "balance", "reasons"]) == 1
    a.refresh_from_db()
    assert (a.floors, a.balance, a.reasons) == ([{"x": "一"}], Decimal("0.01"), "新")
