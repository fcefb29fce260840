"""`postloan screen --as-of DATE`: screen the portfolio as of a business date (CLI and cron)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from postloan.core.business_date import current_business_date


class Command(BaseCommand):
    help = "按业务日期筛查全部借据：逾期天数、五级分类建议、预警信号、客户风险视图"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="业务日期 YYYY-MM-DD（默认：系统业务日期）")
        parser.add_argument(
            "--source",
            default="cli",
            choices=["cli", "schedule"],
            help="触发方式（定时任务用 schedule）",
        )

    def handle(self, *args, as_of=None, source="cli", **options):
        from postloan.risk.actions import run_screening

        day = parse_as_of(as_of)
        run = run_screening(day, source=source)
        counts = ", ".join(f"{k}={v}" for k, v in sorted(run.counts.items()))
        self.stdout.write(self.style.SUCCESS(f"筛查完成：业务日期 {day:%Y-%m-%d}；{counts}"))


def parse_as_of(value: str | None) -> dt.date:
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"业务日期格式不正确：{value}（应为 YYYY-MM-DD）") from exc
    day = current_business_date()
    if day is None:
        raise CommandError("系统尚无业务日期，请用 --as-of 指定")
    return day
