"""The analytical copy and a daily delta, side by side in one run (issue 18, parts 2 and 4).

Usage:
    .venv/bin/postloan demo-data --scale M --seed 1 --out /tmp/demo-m
    .venv/bin/python benchmarks/bench_delta.py /tmp/demo-m [--day 2026-10-31] [--database-url URL]

The extract is cut (`postloan.analytics.split`) into a base without the day's rows of the
append-only tables and the day's delta. Into a fresh database (SQLite in a throwaway folder, or
the empty PostgreSQL database given): import the base (the copy's first generation written
inside it), the first screening (reading the copy), the snapshot + engine read from the copy and
from the database (and whether their outputs are identical), the copy rebuilt from the
database, the delta imported, then the day screened. Prints a table, writes JSON beside the
extract (`<extract>-delta.json`). The `import_completed` listeners are off: each figure is its
step's own.
"""

import argparse
import datetime as dt
import json
import os
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path)
    parser.add_argument("--day", default="2026-10-31", help="the delta's business day")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args()
    day = dt.date.fromisoformat(args.day)
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="postloan-bench-delta-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["POSTLOAN_VAR_DIR"] = str(var_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from postloan.analytics.split import split
    from postloan.ingest.service import run_import
    from postloan.ingest.signals import import_completed
    from postloan.risk import copy as copy_state
    from postloan.risk import copy_verify as verify
    from postloan.risk.actions.screening import run_screening

    out: dict = {"extract": str(args.extract), "day": args.day, "database": "sqlite"}
    if args.database_url:
        out["database"] = "postgresql"
    base, delta = var_dir / "base", var_dir / "delta"
    started = time.perf_counter()
    out["delta_rows"] = split(args.extract, base, delta, day)
    out["split_seconds"] = round(time.perf_counter() - started, 1)
    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    import_completed.receivers = []
    import_completed.sender_receivers_cache.clear()

    def timed(name, fn, *a, **kw):
        started = time.perf_counter()
        value = fn(*a, **kw)
        out[name] = round(time.perf_counter() - started, 2)
        print(f"{name}: {out[name]} s", flush=True)
        return value

    before = day - dt.timedelta(days=1)
    result = timed("import_base", run_import, base, as_of=before)
    assert result.ok, result.errors[:3]
    out["import_base_phases"] = result.timings
    timed("first_screening", run_screening, before)
    copy, copy_s = verify.screen_outputs(before, "copy")
    database, db_s = verify.screen_outputs(before, "database")
    out["read_copy"], out["read_database"] = copy_s, db_s
    out["identical_before"] = copy == database
    timed("rebuild", copy_state.rebuild)
    result = timed("import_delta", run_import, delta, as_of=day)
    assert result.ok, result.errors[:3]
    out["import_delta_phases"] = result.timings
    out["delta_total_rows"] = result.batch.rows
    timed("screening_day", run_screening, day)
    copy, copy_s = verify.screen_outputs(day, "copy")
    database, db_s = verify.screen_outputs(day, "database")
    out["read_copy_day"], out["read_database_day"] = copy_s, db_s
    out["identical_day"] = copy == database
    out["generation"] = {
        "rows": copy_state.state().generation.rows,
        "parts": copy_state.state().generation.parts,
    }
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    target = args.extract.with_name(args.extract.name + f"-delta-{out['database']}.json")
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
