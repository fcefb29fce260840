"""Measure the importer: import a demo folder into a fresh database; rows/s per table, peak RSS.

Usage:
    .venv/bin/postloan demo-data --scale S --seed 1 --out /tmp/demo-s
    .venv/bin/python benchmarks/bench_import.py /tmp/demo-s [--database-url URL] [--with-screening]

Without --database-url a fresh SQLite database is made in a throwaway folder. A PostgreSQL URL
must point at an empty database (it is migrated and its tables are flushed first). The listeners
of `import_completed` (risk screening) are switched off unless --with-screening is given, so the
numbers are the importer's own.
"""

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--with-screening", action="store_true")
    parser.add_argument(
        "--twice", action="store_true", help="import the same folder again (idempotency)"
    )
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="postloan-bench-import-"))
    os.environ["POSTLOAN_VAR_DIR"] = str(var_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from postloan.ingest.service import run_import
        from postloan.ingest.signals import import_completed

        call_command("migrate", verbosity=0)
        if args.database_url:
            call_command("flush", interactive=False, verbosity=0)
        if not args.with_screening:
            import_completed.receivers = []
            import_completed.sender_receivers_cache.clear()

        runs = [run_import] * (2 if args.twice else 1)
        for i, run in enumerate(runs, start=1):
            started = time.perf_counter()
            result = run(args.folder)
            seconds = time.perf_counter() - started
            if not result.ok:
                for e in result.errors[:20]:
                    print(e, file=sys.stderr)
                raise SystemExit(f"导入失败：{result.batch.error_count} 处错误")
            print(f"== run {i} on {connection.vendor}: {args.folder}")
            print(f"{'table':<18}{'rows':>12}{'written':>12}{'load s':>9}{'rows/s':>12}")
            for f in result.batch.files:
                secs = f.get("seconds") or 0.0
                rate = f["rows"] / secs if secs else 0
                print(
                    f"{f['table']:<18}{f['rows']:>12,}{f.get('written', 0):>12,}{secs:>9.2f}{rate:>12,.0f}"
                )
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            summary = {
                "run": i,
                "database": connection.vendor,
                "rows": result.batch.rows,
                "seconds": round(seconds, 1),
                "rows_per_second": round(result.batch.rows / seconds),
                "phases": result.timings,
                "peak_rss_mb": round(peak_mb),
            }
            print(json.dumps(summary, ensure_ascii=False))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
