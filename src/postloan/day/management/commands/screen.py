"""`postloan screen --as-of DATE`: the business day as of a date (CLI and cron) — the
screening, then the steps that follow it (`postloan.day.pipeline`)."""

from postloan.core.business_date import parse_as_of
from postloan.day.management.commands.day import Command as DayCommand
from postloan.day.pipeline import run_business_day


class Command(DayCommand):
    help = "按业务日期筛查全部借据（逾期天数、五级分类建议、预警信号、客户风险视图），再执行营业日其余步骤"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="业务日期 YYYY-MM-DD（默认：系统业务日期）")
        parser.add_argument(
            "--source",
            default="cli",
            choices=["cli", "schedule"],
            help="触发方式（定时任务用 schedule）",
        )

    def handle(self, *args, as_of=None, source="cli", **options):
        self.report(run_business_day(parse_as_of(as_of), source=source))
