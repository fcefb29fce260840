"""Load test against a running PostLoan on loopback (see docs/performance.md).

    .venv/bin/python benchmarks/load/run_load.py --port 8000 --users 20 --seconds 60 \
        --login account_manager:postloan-account_manager --login risk_manager:postloan-risk_manager

Prints the JSON summary (p50/p95 per page). `postloan bench` starts gunicorn and runs this for you.
"""

import argparse
import json

from postloan.ops.loadtest import MAIN_PAGES, run_load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--login", action="append", required=True, help="用户名:密码（可多次）")
    parser.add_argument("--page", action="append", help="要访问的页面（默认：主要页面）")
    args = parser.parse_args()
    logins = [tuple(item.split(":", 1)) for item in args.login]
    summary = run_load(
        args.host, args.port, logins, args.users, args.seconds, tuple(args.page or MAIN_PAGES)
    )
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
