"""The re-screening merge's shape on SQLite, side by side: two staged temp tables of N loans
joined and tested with NOT EXISTS on loan_id, without and with the index the merge now builds
(`risk/actions/result_tables.py::_index_stage`).

Usage: .venv/bin/python benchmarks/bench_merge.py [N ...]     (default 5000 10000 20000; unindexed grows with N²)
"""

import json
import sqlite3
import sys
import time


def one(n: int, indexed: bool) -> float:
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA automatic_index = ON")  # SQLite's default, stated
    con.execute("CREATE TEMP TABLE stage (loan_id TEXT, suggested_class TEXT)")
    con.execute("CREATE TEMP TABLE previous (id INTEGER, loan_id TEXT, suggested_class TEXT)")
    con.executemany("INSERT INTO stage VALUES (?, 'normal')", ((f"L{i:09d}",) for i in range(n)))
    con.executemany(
        "INSERT INTO previous VALUES (?, ?, 'normal')",
        ((i, f"L{i + n // 10:09d}") for i in range(n)),
    )
    started = time.perf_counter()
    if indexed:
        con.execute("CREATE UNIQUE INDEX stage_loan ON stage (loan_id)")
        con.execute("CREATE UNIQUE INDEX previous_loan ON previous (loan_id)")
    con.execute(
        "SELECT count(*) FROM previous p WHERE NOT EXISTS "
        "(SELECT 1 FROM stage s WHERE s.loan_id = p.loan_id)"
    ).fetchall()
    con.execute(
        "SELECT count(*) FROM stage s WHERE NOT EXISTS "
        "(SELECT 1 FROM previous p WHERE p.loan_id = s.loan_id)"
    ).fetchall()
    con.execute("SELECT count(*) FROM stage s JOIN previous p ON p.loan_id = s.loan_id").fetchall()
    return time.perf_counter() - started


def main(sizes: list[int]) -> None:
    for n in sizes:
        plain = one(n, indexed=False)
        keyed = one(n, indexed=True)
        print(
            json.dumps({"loans": n, "unindexed_s": round(plain, 3), "indexed_s": round(keyed, 3)})
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5000, 10000, 20000])
