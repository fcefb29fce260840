"""The month-end history the model learns from: one Parquet file per month-end.

``VAR_DIR/forecast/history/month=YYYY-MM-DD.parquet`` holds, for every customer at that
month-end, what the screening knew then (the columns of `COLUMNS`). A month is written whole
and replaced whole (`write_month`): by the demo's backfill (`load_backfill`) and by the
month-end capture from the engine's persisted figures (`forecast/capture.py`). Readers glob
the directory through DuckDB (`glob_sql`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
from django.conf import settings

COLUMNS = {
    "customer_id": "VARCHAR",
    "month_end": "DATE",
    "segment": "VARCHAR",  # corporate | retail
    "product": "VARCHAR",
    "industry": "VARCHAR",  # GB/T 4754 门类 letter
    "restructured": "BOOLEAN",
    "exposure_fen": "BIGINT",
    "max_dpd": "INTEGER",
    "class_ord": "INTEGER",  # 0 正常 … 4 损失 (the worst current class)
    "sales_return": "DOUBLE",  # 销售资金归行率 of the month (risk/sales_return.py)
    "inflow_fen": "BIGINT",  # the month's inflows on the customer's accounts here
    "debt_ratio": "DOUBLE",  # 资产负债率 of the latest statement
    "current_ratio": "DOUBLE",  # 流动比率 of the latest statement
    "other_bank_overdue_fen": "BIGINT",  # 征信: overdue + non-performing debt at other banks
    "ltv": "DOUBLE",  # balance ÷ latest collateral value
    "guarantor_bad": "BOOLEAN",
    "n_red": "INTEGER",
    "n_orange": "INTEGER",
    "n_yellow": "INTEGER",
    "overdue_fen": "BIGINT",
    "n_families": "INTEGER",
    "rule_score": "DOUBLE",  # today's rule score (risk/engine/risk_view.py) at that month-end
}


def history_dir() -> Path:
    path = Path(settings.VAR_DIR) / "forecast" / "history"
    path.mkdir(parents=True, exist_ok=True)
    return path


def month_path(month_end: dt.date) -> Path:
    return history_dir() / f"month={month_end.isoformat()}.parquet"


def months() -> list[dt.date]:
    return sorted(
        dt.date.fromisoformat(p.stem.removeprefix("month="))
        for p in history_dir().glob("month=*.parquet")
    )


def glob_sql(directory: Path | None = None) -> str:
    """A DuckDB relation over every month (the columns cast to `COLUMNS`)."""
    pattern = ((directory or history_dir()) / "month=*.parquet").as_posix()
    cols = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in COLUMNS.items())
    return f"(SELECT {cols} FROM read_parquet('{pattern}', union_by_name = true))"


def write_month(con: duckdb.DuckDBPyConnection, month_end: dt.date, relation_sql: str) -> int:
    """Write (replace) one month-end from a DuckDB query with the columns of `COLUMNS`."""
    target = month_path(month_end)
    tmp = target.with_suffix(".tmp")
    cols = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in COLUMNS.items())
    con.execute(
        f"COPY (SELECT {cols} FROM ({relation_sql}) ORDER BY customer_id) "
        f"TO '{tmp.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
    )
    os.replace(tmp, target)
    return con.execute(f"SELECT count(*) FROM '{target.as_posix()}'").fetchone()[0]


def load_backfill(source: str | Path) -> int:
    """Split a history file (the demo generator's ``history/month_ends.parquet``) into months.

    A month already captured from the engine is kept: the backfill only fills the gaps.
    """
    have = set(months())
    con = duckdb.connect()
    try:
        src = Path(source).as_posix()
        ends = [r[0] for r in con.execute(f"SELECT DISTINCT month_end FROM '{src}'").fetchall()]
        written = 0
        for end in sorted(ends):
            if end in have:
                continue
            written += write_month(con, end, f"SELECT * FROM '{src}' WHERE month_end = '{end}'")
        return written
    finally:
        con.close()
