"""A bank extract cut into a base and one business day's delta (benchmarks and tests).

`split(extract, base, delta, day)`: `base` gets every file of `extract` without the day's rows
of the append-only tables — transactions and balances dated `day`, instalments due on it;
`delta` only those rows, plus the instalments paid off on `day` (already in the base: a delta
re-sends a row whose payment arrived, the upsert and the copy replace it).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb

DAILY = {
    "transactions": ("txn_date = {d}", "txn_date = {d}"),
    "account_balances": ("balance_date = {d}", "balance_date = {d}"),
    "repayments": ("due_date = {d}", "due_date = {d} OR paid_off_date = {d}"),
}


def split(extract: Path, base: Path, delta: Path, day: date) -> dict[str, int]:
    """Write the two folders; return the delta's rows per table."""
    base.mkdir(parents=True, exist_ok=True)
    delta.mkdir(parents=True, exist_ok=True)
    d = f"'{day.isoformat()}'"  # compared as text: the files' dates are ISO
    con = duckdb.connect()
    rows = {}
    try:
        for path in sorted(extract.glob("*.csv")):
            table = path.stem
            if table not in DAILY:
                shutil.copy(path, base / path.name)
                continue
            drop, keep = (c.format(d=d) for c in DAILY[table])
            src = f"read_csv('{path.as_posix()}', all_varchar = true, header = true)"
            con.execute(
                f"COPY (SELECT * FROM {src} WHERE NOT ({drop})) TO "
                f"'{(base / path.name).as_posix()}' (HEADER, DELIMITER ',')"
            )
            con.execute(
                f"COPY (SELECT * FROM {src} WHERE {keep}) TO "
                f"'{(delta / path.name).as_posix()}' (HEADER, DELIMITER ',')"
            )
            (rows[table],) = con.execute(
                f"SELECT count(*) FROM read_csv('{(delta / path.name).as_posix()}', header = true)"
            ).fetchone()
    finally:
        con.close()
    return rows
