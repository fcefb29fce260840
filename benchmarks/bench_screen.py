"""Time the screening engine on a demo bank loaded straight from its CSVs into DuckDB.

Usage:
    .venv/bin/python benchmarks/bench_screen.py DIR [AS_OF]          # an existing demo folder
    .venv/bin/python benchmarks/bench_screen.py --scale S [AS_OF]    # generate one first
    .venv/bin/python benchmarks/bench_screen.py --memory-limit 6GB DIR   # bounded: DuckDB keeps
        # the tables in a database file in a temporary folder and spills past the limit

Prints seconds for loading, deriving the monthly/windowed flows (what the snapshot loader does
in the source database) and `screen()`, with peak RSS and result row counts, as JSON.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from postloan import contract
from postloan.risk.engine import Thresholds, screen

DEFAULT_AS_OF = date(2026, 10, 31)


def _expr(col: contract.Column) -> str:
    raw = f"nullif(trim(\"{col.code}\"), '')"
    if col.type == "money":
        return f"CAST(round(CAST(replace({raw}, ',', '') AS DECIMAL(20, 2)) * 100) AS BIGINT)"
    if col.type == "int":
        return f"CAST({raw} AS BIGINT)"
    if col.type == "decimal":
        return f"CAST({raw} AS DECIMAL(18, 6))"
    if col.type == "date":
        return f"CAST({raw} AS DATE)"
    if col.type == "month":
        return f"CAST({raw} || '-01' AS DATE)"
    if col.type == "bool":
        return f"lower({raw}) IN ('true', '1', 'y', '是')"
    return raw


def load_demo(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    counts = {}
    for table in contract.TABLES:
        path = folder / f"{table.name}.csv"
        if not path.exists():
            continue
        header = path.open(encoding="utf-8").readline().strip().split(",")
        cols = [c for c in table.columns if c.code in header]
        select = ", ".join(f'{_expr(c)} AS "{c.code}"' for c in cols)
        con.execute(
            f"CREATE OR REPLACE TABLE {table.name} AS SELECT {select} "
            f"FROM read_csv('{path}', all_varchar = true, header = true)"
        )
        counts[table.name] = con.execute(f"SELECT count(*) FROM {table.name}").fetchall()[0][0]
    return counts


def main(argv: list[str]) -> None:
    memory_limit = None
    if argv and argv[0] == "--memory-limit":
        memory_limit, argv = argv[1], argv[2:]
    if argv and argv[0] == "--scale":
        scale, rest = argv[1], argv[2:]
        from postloan.demo.generate import generate_bank

        tmp = tempfile.mkdtemp(prefix=f"postloan-screen-{scale}-")
        started = time.perf_counter()
        generate_bank(scale, 1, tmp)
        print(json.dumps({"generate_seconds": round(time.perf_counter() - started, 1)}))
        folder = Path(tmp)
    else:
        folder, rest = Path(argv[0]), argv[1:]
    as_of = date.fromisoformat(rest[0]) if rest else DEFAULT_AS_OF
    scratch = tempfile.mkdtemp(prefix="postloan-screen-db-")
    con = duckdb.connect(f"{scratch}/bench.duckdb" if memory_limit else ":memory:")
    con.execute("SET threads = 2")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{scratch}/spill'")
    t0 = time.perf_counter()
    counts = load_demo(con, folder)
    t1 = time.perf_counter()
    result = screen(con, as_of, Thresholds())
    t2 = time.perf_counter()
    again = screen(con, as_of, Thresholds())
    t3 = time.perf_counter()
    identical = all(again.tables()[k].equals(v) for k, v in result.tables().items())
    report = {
        "folder": str(folder),
        "as_of": as_of.isoformat(),
        "loans": counts.get("loans"),
        "transactions": counts.get("transactions"),
        "load_seconds": round(t1 - t0, 2),
        "screen_seconds": round(t2 - t1, 2),
        "screen_again_seconds": round(t3 - t2, 2),
        "identical_rerun": identical,
        "memory_limit": memory_limit,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rows": {k: v.num_rows for k, v in result.tables().items()},
    }
    print(json.dumps(report, ensure_ascii=False))
    con.close()
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
