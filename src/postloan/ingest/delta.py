"""The `delta` phase of `postloan bench`: one business day of new rows imported into the bank.

The bench's bank already holds its extract up to `as_of`. The day after is made from the
extract's own last day: its transactions (new `txn_id`s) and balances, dated one day later — the
size of a real daily file (≈ 1/250 of the bank's flows) — and imported as one batch. The seconds
are the import's alone (validation, load, the analytical copy's new part, commit); the day's
screening is the bench's `next-date` figure.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from postloan.ingest.service import run_import

NEXT_DAY = {
    "transactions": ("txn_date", "'D' || txn_id AS txn_id"),
    "account_balances": ("balance_date", None),
}


def next_day_delta(extract: Path, out: Path, as_of: dt.date) -> dict[str, int]:
    """Write the day after `as_of` into `out` (one CSV per table); return its rows per table."""
    out.mkdir(parents=True, exist_ok=True)
    day, after = f"'{as_of.isoformat()}'", f"'{(as_of + dt.timedelta(days=1)).isoformat()}'"
    con = duckdb.connect()
    rows = {}
    try:
        for table, (date_column, new_key) in NEXT_DAY.items():
            path = (extract / f"{table}.csv").as_posix()
            src = f"read_csv('{path}', all_varchar = true, header = true)"
            replaced = [f"{after} AS {date_column}"] + ([new_key] if new_key else [])
            target = (out / f"{table}.csv").as_posix()
            con.execute(
                f"COPY (SELECT * REPLACE ({', '.join(replaced)}) FROM {src}"
                f" WHERE {date_column} = {day}) TO '{target}' (HEADER, DELIMITER ',')"
            )
            (rows[table],) = con.execute(
                f"SELECT count(*) FROM read_csv('{target}', header = true)"
            ).fetchall()[0]
    finally:
        con.close()
    return rows


def bench_delta_day(extract: Path, as_of: dt.date) -> dict:
    with tempfile.TemporaryDirectory(prefix="postloan-delta-") as folder:
        rows = next_day_delta(extract, Path(folder), as_of)
        started = time.perf_counter()
        result = run_import(Path(folder), as_of=as_of + dt.timedelta(days=1))
        seconds = round(time.perf_counter() - started, 2)
    if not result.ok:
        raise RuntimeError(f"日增量导入失败：{result.errors[:3]}")
    return {"seconds": seconds, "rows": rows, "phases": result.timings}
