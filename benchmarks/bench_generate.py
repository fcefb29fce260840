"""Measure demo-bank generation: wall time and peak RSS per scale.

Usage: .venv/bin/python benchmarks/bench_generate.py S M   (each scale runs in its own process)
"""

import json
import subprocess
import sys
import tempfile
import time

CHILD = """
import json, resource, sys, time
from postloan.demo.generate import generate_bank
t = time.perf_counter()
counts = generate_bank(sys.argv[1], 1, sys.argv[2])
seconds = time.perf_counter() - t
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"scale": sys.argv[1], "seconds": round(seconds, 1), "peak_rss_mb": round(peak_mb),
                  "rows": counts}))
"""


def main(scales: list[str]) -> None:
    for scale in scales or ["S"]:
        with tempfile.TemporaryDirectory(prefix=f"postloan-bench-{scale}-") as out:
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-c", CHILD, scale, out],
                capture_output=True,
                text=True,
                check=True,
            )
            report = json.loads(result.stdout.strip().splitlines()[-1])
            report["process_seconds"] = round(time.perf_counter() - started, 1)
            print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
