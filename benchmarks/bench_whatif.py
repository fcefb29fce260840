"""预警阈值影响预览 timed on an imported, screened database (issue 18 part 5).

Usage:
    POSTLOAN_VAR_DIR=var/m-whatif PYTHONPATH=src .venv/bin/python benchmarks/bench_whatif.py [--json FILE]

It calls `postloan.meetings.whatif.bench()` (the function `postloan bench` can call too): each edit of
`whatif.BENCH_CHANGES` previewed against the latest screening, with its wall time, whether the
kept engine copy answered it (fast) or the snapshot was read afresh, the rules re-run and the
counts found. The screening's own cost of keeping the copy is its `whatif` phase in the log.
"""

import argparse
import json
import os
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    import django

    django.setup()
    from postloan.meetings import whatif

    result = whatif.bench()
    print(f"latest screening: {result['as_of']}")
    for row in result["previews"]:
        path = "kept copy" if row["fast"] else "fresh snapshot"
        print(
            f"  {row['seconds']:6.2f} s  {path:14}  {json.dumps(row['changed'], ensure_ascii=False)}"
            f"  signals {row['signals_before']} → {row['signals_after']}"
            f" (+{row['appear']} −{row['disappear']} ~{row['level_changes']}),"
            f" agenda +{row['agenda_enter']} −{row['agenda_leave']}; rules {','.join(row['rules'])}"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    sys.exit(0)


if __name__ == "__main__":
    main()
