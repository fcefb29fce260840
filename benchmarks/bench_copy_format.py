"""Parquet parts or one DuckDB database file for the analytical copy? The screening's reads of
the big tables (`risk.copy_reads.add_reduced`) timed against both, on the same rows.

Usage (after an import made a copy, e.g. by `benchmarks/bench_delta.py … --var-dir DIR`):
    POSTLOAN_VAR_DIR=DIR .venv/bin/python benchmarks/bench_copy_format.py [--as-of 2026-10-30]

The DuckDB file is made from the current generation's parts (its write time is printed too);
the small tables (loans, accounts, disbursements, restructurings) are read from the database
once and shared. Each variant runs twice; the second (warm file cache) is reported.
"""

import argparse
import datetime as dt
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2026-10-30")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    import django

    django.setup()
    import duckdb
    from django.db import connection

    from postloan import contract
    from postloan.analytics import store
    from postloan.risk import copy as copy_state
    from postloan.risk import copy_reads as snapshot
    from postloan.risk import snapshot_io
    from postloan.risk.thresholds import current_thresholds

    manifest = copy_state.current_for_screening()
    th = current_thresholds()
    small = {
        t: (f"SELECT {', '.join(contract.table(t).codes)} FROM {t}", [])
        for t in ("loans", "accounts", "disbursements")
    }
    if "restructurings" in connection.introspection.table_names(include_views=True):
        small["restructurings"] = ("SELECT loan_id FROM restructurings", [])
    con = duckdb.connect()
    snapshot_io.load_all(con, connection, small)
    path = manifest.folder / "format-test.duckdb"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    file_con = duckdb.connect(str(path))
    for t in store.COPIED:
        file_con.execute(f'CREATE TABLE "{t}" AS {store.relation_sql(manifest, t)}')
    file_con.close()
    print(
        f"DuckDB file written from the parts: {time.perf_counter() - started:.1f} s, "
        f"{path.stat().st_size / 2**20:.0f} MiB"
    )
    parquet_mib = (
        sum(
            (manifest.folder / p.file).stat().st_size for ps in manifest.tables.values() for p in ps
        )
        / 2**20
    )
    print(f"Parquet parts: {parquet_mib:.0f} MiB")
    con.execute(f"ATTACH '{path.as_posix()}' AS f (READ_ONLY)")

    def run(kind: str) -> float:
        started = time.perf_counter()
        if kind == "parquet":
            snapshot.add_reduced(con, manifest, as_of, th, set(small))
        else:
            for t in store.COPIED:
                con.execute(f'CREATE OR REPLACE VIEW "copy_{t}" AS SELECT * FROM f."{t}"')
            snapshot._balances(con, as_of)
            snapshot._repayments(con, as_of, th, "restructurings" in small)
            snapshot._monthly(con, as_of)
            snapshot._detail(con, as_of, th)
        return time.perf_counter() - started

    for kind in ("parquet", "duckdb-file"):
        run(kind)
        print(f"{kind}: reduced reads {run(kind):.2f} s (second run)")
    con.close()
    path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
