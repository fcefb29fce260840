"""`postloan worklist plan --as-of DATE [--all]`: generate post-loan work as of a business date
(only the customers whose inputs changed since the last plan, or everyone with `--all`)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from postloan.core.business_date import current_business_date
from postloan.worklist.planning import plan_worklist


class Command(BaseCommand):
    help = "贷后工作：plan 生成检查计划、催收日历、催收案件、人户合一标记"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        plan = sub.add_parser("plan", help="生成贷后工作计划")
        plan.add_argument("--as-of", dest="as_of", help="业务日期 YYYY-MM-DD（默认为当前业务日期）")
        plan.add_argument(
            "--all", dest="full", action="store_true", help="全量重排（不限于输入有变化的客户）"
        )

    def handle(self, *args, **options):
        if options["subcommand"] != "plan":
            raise CommandError("未知子命令")
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(
                    f"日期格式不正确：{options['as_of']}（应为 YYYY-MM-DD）"
                ) from exc
        else:
            as_of = current_business_date()
            if as_of is None:
                raise CommandError("尚无业务日期：请先导入数据或用 --as-of 指定")
        summary = plan_worklist(as_of, scoped=not options["full"])
        scope = summary.scope
        extent = "全部客户" if scope.full else f"{len(scope.customers):,} 户输入有变化的客户"
        self.stdout.write(f"贷后工作计划（业务日期 {as_of:%Y-%m-%d}，{extent}：{scope.reason}）：")
        for key, n in summary.counts.items():
            self.stdout.write(f"  {key}：{n}")
        for note in summary.notes:
            self.stdout.write(f"  注意：{note}")
