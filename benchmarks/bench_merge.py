"""The re-screening merge's shape on SQLite, side by side:

1. two staged temp tables of N loans joined and tested with NOT EXISTS on loan_id, without and
   with the index the merge builds (`risk/actions/result_tables.py::_index_stage`);
2. a date's N result rows written again: the full rewrite (DELETE the date, INSERT all N — what
   every screening did before) against the write of only what changed (the stored rows'
   content hashes read into DuckDB, diffed there, only the changed rows deleted and inserted
   — what `result_tables` does now), with 1 % of the rows changed.

Usage: .venv/bin/python benchmarks/bench_merge.py [N ...]     (default 5000 10000 20000; unindexed grows with N²)
       .venv/bin/python benchmarks/bench_merge.py --rewrite [N ...]   (default 80000, scale M)
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


def _results_table(path: str, n: int) -> sqlite3.Connection:
    """A file database in WAL mode (as the product runs it) holding one date's n result rows,
    indexed as `loan_assessments` is."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute(
        "CREATE TABLE results (id INTEGER PRIMARY KEY, as_of TEXT, loan_id TEXT, "
        "customer_id TEXT, status TEXT, body TEXT, content_hash TEXT)"
    )
    con.execute("CREATE UNIQUE INDEX results_loan ON results (loan_id, as_of)")
    con.execute("CREATE INDEX results_date ON results (as_of, loan_id)")
    con.execute("CREATE INDEX results_customer ON results (customer_id, as_of)")
    con.execute("CREATE INDEX results_status ON results (as_of, status)")
    con.executemany(
        "INSERT INTO results (as_of, loan_id, customer_id, status, body, content_hash) "
        "VALUES ('2026-10-31', ?, ?, 'pending', ?, ?)",
        ((f"L{i:09d}", f"C{i // 2:09d}", "x" * 400, f"{i:032d}") for i in range(n)),
    )
    con.commit()
    return con


def rewrite(n: int, changed: float = 0.01) -> dict:
    """Full rewrite against write-only-changed of a date's n rows, n × `changed` of them new.
    The new result is Arrow already (as the engine's is); the stored hashes are read and
    converted inside the timing."""
    import tempfile

    import duckdb
    import pyarrow as pa

    step = max(int(1 / changed), 1)
    fresh = [
        (
            f"L{i:09d}",
            f"C{i // 2:09d}",
            ("y" if i % step == 0 else "x") * 400,
            f"{i + (i % step == 0):032d}",
        )
        for i in range(n)
    ]
    result = pa.table(list(zip(*fresh, strict=True)), ["loan_id", "customer_id", "body", "h"])
    out = {"loans": n, "changed": len(fresh[::step])}
    for way in ("full", "changed"):
        with tempfile.TemporaryDirectory() as folder:
            con = _results_table(f"{folder}/bench.sqlite3", n)
            started = time.perf_counter()
            if way == "full":
                con.execute("DELETE FROM results WHERE as_of = '2026-10-31'")
                con.executemany(
                    "INSERT INTO results (as_of, loan_id, customer_id, status, body, "
                    "content_hash) VALUES ('2026-10-31', ?, ?, 'pending', ?, ?)",
                    fresh,
                )
            else:
                stored = con.execute(
                    "SELECT id, loan_id, content_hash FROM results WHERE as_of = '2026-10-31'"
                ).fetchall()
                duck = duckdb.connect()
                duck.register(
                    "stored", pa.table(list(zip(*stored, strict=True)), ["id", "loan_id", "h"])
                )
                duck.register("result", result)
                rows = duck.execute(
                    "SELECT s.id, r.loan_id, r.customer_id, r.body, r.h FROM result r "
                    "JOIN stored s USING (loan_id) WHERE s.h <> r.h"
                ).fetchall()
                duck.close()
                con.execute("CREATE TEMP TABLE rewrite (id INTEGER PRIMARY KEY)")
                con.executemany("INSERT INTO rewrite VALUES (?)", ((r[0],) for r in rows))
                con.execute("DELETE FROM results WHERE id IN (SELECT id FROM rewrite)")
                con.executemany(
                    "INSERT INTO results (id, as_of, loan_id, customer_id, status, body, "
                    "content_hash) VALUES (?, '2026-10-31', ?, ?, 'pending', ?, ?)",
                    rows,
                )
            con.commit()
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the write made durable
            out[f"{way}_s"] = round(time.perf_counter() - started, 3)
            con.close()
    return out


def main(sizes: list[int]) -> None:
    for n in sizes:
        plain = one(n, indexed=False)
        keyed = one(n, indexed=True)
        print(
            json.dumps({"loans": n, "unindexed_s": round(plain, 3), "indexed_s": round(keyed, 3)})
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--rewrite"]:
        for size in [int(a) for a in sys.argv[2:]] or [80000]:
            print(json.dumps(rewrite(size)))
    else:
        main([int(a) for a in sys.argv[1:]] or [5000, 10000, 20000])
