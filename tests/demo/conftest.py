import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from postloan.demo.generate import generate_bank

AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="session")
def xs_bank(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo-xs")
    generate_bank("XS", 1, out, AS_OF)
    return out


@pytest.fixture(scope="session")
def s_bank(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo-s")
    generate_bank("S", 1, out, AS_OF)
    return out


def stories(folder: Path) -> dict:
    return json.loads((folder / "stories.json").read_text(encoding="utf-8"))


def csv_relation(con: duckdb.DuckDBPyConnection, folder: Path, table: str) -> str:
    return (
        f"read_csv('{(folder / (table + '.csv')).as_posix()}', all_varchar = true, header = true)"
    )


def loan_dpd(folder: Path, as_of: date = AS_OF) -> dict[str, int]:
    """DPD of every loan on `as_of`, per the data contract, computed from the CSV files."""
    con = duckdb.connect()
    d = f"DATE '{as_of.isoformat()}'"
    rows = con.execute(f"""
        WITH r AS (SELECT * FROM {csv_relation(con, folder, "repayments")}),
             l AS (SELECT * FROM {csv_relation(con, folder, "loans")}),
             unpaid AS (
                SELECT loan_id, min(due_date::DATE) AS first_unpaid FROM r
                WHERE due_date::DATE < {d}
                  AND (paid_off_date IS NULL OR paid_off_date::DATE > {d})
                GROUP BY loan_id)
        SELECT l.loan_id,
               coalesce({d} - least(u.first_unpaid,
                   CASE WHEN l.maturity_date::DATE < {d} AND l.balance::DECIMAL(18, 2) > 0
                        THEN l.maturity_date::DATE END), 0) AS dpd
        FROM l LEFT JOIN unpaid u USING (loan_id)
    """).fetchall()
    return dict(rows)
