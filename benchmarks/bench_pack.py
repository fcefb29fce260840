"""Time the meeting pack (会议材料 PDF) for a meeting of N customers (default 40) on a demo bank.

Usage:
    .venv/bin/python benchmarks/bench_pack.py DIR [--customers 40] [--as-of 2026-10-31]
    .venv/bin/python benchmarks/bench_pack.py --scale M [--customers 40]
    (add --database-url URL to use an empty PostgreSQL database instead of a fresh SQLite one)

The demo folder is imported into a fresh database (screening runs on commit), the demo logins
and the 分行's committee are created, and the meeting is built through the meetings actions:
scheduled from the plan, then customers added (highest risk first) or dropped until the agenda
has N customers. The pack is then built in this process (no thread) and timed. Prints JSON.
Target (issue 6): under 60 s for 40 customers at scale M.
"""

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _prepare(folder: Path, as_of: dt.date) -> dict:
    from django.core.management import call_command

    from postloan.ingest.service import run_import

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    result = run_import(folder, as_of=as_of)
    if not result.ok:
        for e in result.errors[:20]:
            print(e, file=sys.stderr)
        raise SystemExit("导入失败")
    return {"import_and_screening_seconds": round(time.perf_counter() - started, 1)}


def _meeting(customers: int):
    from django.contrib.auth import get_user_model

    from postloan.core.business_date import current_business_date
    from postloan.core.workdays import add_working_days
    from postloan.demo.committees import create_demo_committee
    from postloan.demo.logins import create_demo_logins
    from postloan.meetings import actions
    from postloan.meetings.rules import units_reviewed_by
    from postloan.portfolio.models import Customer
    from postloan.risk.models import CustomerRiskView

    create_demo_logins()
    committee = create_demo_committee()
    if committee is None:
        raise SystemExit("演示数据中没有分行，无法组建委员会")
    branch = committee.branch
    User = get_user_model()
    secretary = (
        User.objects.filter(staff__branch=branch, groups__name="risk_manager")
        .order_by("pk")
        .first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    today = current_business_date()
    meeting = actions.schedule_meeting(branch, add_working_days(today, 10), acting_user=secretary)
    on_agenda = list(
        meeting.items.filter(dropped=False).order_by("rank").values_list("customer_id", flat=True)
    )
    if len(on_agenda) > customers:
        for item in meeting.items.filter(customer_id__in=on_agenda[customers:]):
            actions.drop_agenda_item(item, reason="性能测试：控制上会户数", acting_user=secretary)
    else:
        latest = CustomerRiskView.objects.order_by("-as_of").values_list("as_of", flat=True)[:1]
        ranked = list(
            CustomerRiskView.objects.filter(
                as_of__in=list(latest), customer__branch_id__in=units_reviewed_by(branch.pk)
            )
            .exclude(customer_id__in=on_agenda)
            .order_by("rank")
            .values_list("customer_id", flat=True)[: customers - len(on_agenda)]
        )
        for customer in Customer.objects.filter(pk__in=ranked):
            actions.add_agenda_item(
                meeting, customer, reason="性能测试：增补上会客户", acting_user=secretary
            )
    return meeting, secretary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--scale", default=None)
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--as-of", default="2026-10-31")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)

    var_dir = Path(tempfile.mkdtemp(prefix="postloan-bench-pack-"))
    os.environ["POSTLOAN_VAR_DIR"] = str(var_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    import django

    django.setup()
    from django.conf import settings

    from postloan.documents.actions import request_meeting_pack
    from postloan.documents.pack import build_meeting_pack

    out: dict = {"var_dir": str(var_dir)}
    folder = args.folder
    if args.scale:
        from postloan.demo.generate import generate_bank

        folder = var_dir / f"demo-{args.scale}"
        started = time.perf_counter()
        generate_bank(args.scale, 1, folder, as_of)
        out["generate_seconds"] = round(time.perf_counter() - started, 1)
    if folder is None:
        parser.error("请给出演示数据目录或 --scale")
    out.update(_prepare(folder, as_of))
    started = time.perf_counter()
    meeting, secretary = _meeting(args.customers)
    out["meeting_setup_seconds"] = round(time.perf_counter() - started, 1)
    out["customers"] = meeting.items.filter(dropped=False).count()

    settings.DOCUMENTS_PACK_THREAD = False
    job = request_meeting_pack(meeting, acting_user=secretary)
    started = time.perf_counter()
    job = build_meeting_pack(job.pk)
    out["pack_seconds"] = round(time.perf_counter() - started, 2)
    out.update(
        {
            "status": job.status,
            "pages": job.pages,
            "error": job.error,
            "pdf_bytes": job.file.size if job.file else 0,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
