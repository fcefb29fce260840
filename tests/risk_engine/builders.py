"""Small golden inputs for the engine: contract tables in DuckDB from Python lists.

Money is integer fen, as stored. `bank(loans=[...], repayments=[...])` creates only the tables
given; `loan(...)`, `customer(...)`, `instalment(...)` fill the required columns with
defaults so each test names only what matters to it.
"""

from __future__ import annotations

from datetime import date

import duckdb

from postloan.risk.engine import Thresholds, screen
from postloan.risk.engine.inputs import columns

AS_OF = date(2026, 6, 30)
YUAN = 100  # fen per yuan


def bank(**tables: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if "loans" in tables and "customers" not in tables:
        ids = sorted({row["customer_id"] for row in tables["loans"]})
        tables["customers"] = [customer(customer_id=c) for c in ids]
    for name, rows in tables.items():
        types = {code: sql_type for code, sql_type, _ in columns(name)}
        used = [c for c in types if any(c in row for row in rows)] or [next(iter(types))]
        con.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {types[c]}' for c in used)})")
        if rows:
            marks = ", ".join("?" for _ in used)
            con.executemany(
                f"INSERT INTO {name} VALUES ({marks})", [[r.get(c) for c in used] for r in rows]
            )
    return con


def run(as_of: date = AS_OF, thresholds: Thresholds | None = None, **tables):
    return screen(bank(**tables), as_of, thresholds or Thresholds())


def customer(**kw) -> dict:
    row = {
        "customer_id": "C1",
        "name": "杭州甲制造有限公司",
        "type": "corporate",
        "branch_code": "B1",
        "industry_code": "C3011",
    }
    row.update(kw)
    return row


def loan(**kw) -> dict:
    row = {
        "loan_id": "L1",
        "customer_id": "C1",
        "product": "working_capital",
        "principal": 1_000_000 * YUAN,
        "balance": 1_000_000 * YUAN,
        "start_date": date(2025, 1, 1),
        "maturity_date": date(2027, 12, 31),
        "guarantee_method": "credit",
        "classification": "normal",
        "status": "active",
    }
    row.update(kw)
    return row


def instalment(
    loan_id="L1",
    due=date(2026, 1, 1),
    paid_off=None,
    principal=100_000 * YUAN,
    interest=5_000 * YUAN,
    paid=None,
) -> dict:
    fully = paid_off is not None if paid is None else paid
    return {
        "loan_id": loan_id,
        "due_date": due,
        "principal_due": principal,
        "interest_due": interest,
        "principal_paid": principal if fully else 0,
        "interest_paid": interest if fully else 0,
        "paid_off_date": paid_off,
    }


def overdue_by(days: int, loan_id="L1", as_of: date = AS_OF) -> dict:
    """An unpaid instalment that makes the loan exactly `days` past due on `as_of`."""
    from datetime import timedelta

    return instalment(loan_id=loan_id, due=as_of - timedelta(days=days))


def rows(table, **match) -> list[dict]:
    return [r for r in table.to_pylist() if all(r.get(k) == v for k, v in match.items())]


def one(table, **match) -> dict:
    found = rows(table, **match)
    assert len(found) == 1, found
    return found[0]
