"""`postloan meeting plan|verify|remind` — the meeting's command-line entry points."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from postloan.core.business_date import current_business_date
from postloan.meetings.actions import run_verification
from postloan.meetings.actions.signing import check_signatures
from postloan.meetings.planning import build_plan
from postloan.org.models import Branch


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式不正确：{value}（应为YYYY-MM-DD）") from exc


class Command(BaseCommand):
    help = (
        "贷后管理例会：plan 生成上会计划；verify 按数据核实决议执行并提醒/督办；"
        "verify-signatures 核对签署内容的SHA-256"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        plan = sub.add_parser("plan", help="某机构某日例会应审议的客户及原因（JSON）")
        plan.add_argument("--branch", required=True)
        plan.add_argument("--date", required=True)
        plan.add_argument("--kind", choices=["monthly", "quarterly", "ad_hoc"])
        plan.add_argument("-o", "--output", help="写入的JSON文件；缺省输出到屏幕")
        verify = sub.add_parser("verify", help="按数据核实决议执行情况，并发提醒与逾期督办")
        verify.add_argument("--as-of", help="数据日期；缺省为业务日期")
        sub.add_parser(
            "verify-signatures",
            help="重新计算每个签署的SHA-256，报告与签署内容不符的记录（有不符时退出码非零）",
        )

    def handle(self, *args, **opts):
        if opts["sub"] == "plan":
            return self._plan(opts)
        if opts["sub"] == "verify-signatures":
            return self._verify_signatures()
        return self._verify(opts)

    def _plan(self, opts):
        branch = Branch.objects.filter(pk=opts["branch"]).first()
        if branch is None:
            raise CommandError(f"机构不存在：{opts['branch']}")
        plan = build_plan(branch, _date(opts["date"]), opts.get("kind"))
        text = json.dumps(plan.as_json(), ensure_ascii=False, indent=2)
        if opts.get("output"):
            with open(opts["output"], "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stdout.write(f"已写入{opts['output']}：{len(plan.customers)}户")
        else:
            self.stdout.write(text)

    def _verify(self, opts):
        as_of = _date(opts["as_of"]) if opts.get("as_of") else current_business_date()
        if as_of is None:
            raise CommandError("未设置业务日期，请用 --as-of 指定")
        counts = run_verification(as_of)
        self.stdout.write(json.dumps({"as_of": as_of.isoformat(), **counts}, ensure_ascii=False))

    def _verify_signatures(self):
        checked, problems = check_signatures()
        for p in problems:
            self.stderr.write(
                f"签署{p['signature']}（{p['record']}，{p['role']} {p['signer']}）：{p['problem']}"
                + (f"；记录的SHA-256 {p['stored']}，重算 {p['actual']}" if "stored" in p else "")
            )
        if problems:
            raise CommandError(f"已核对{checked}个签署，{len(problems)}处不符")
        self.stdout.write(f"已核对{checked}个签署，SHA-256全部相符")
