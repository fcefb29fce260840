"""`postloan screen --as-of DATE [--partitions N]`: the business day as of a date (CLI and
cron) — the screening, then the steps that follow it (`postloan.day.pipeline`); with
`--partitions N` the screening runs as N queued jobs by unit subtree and a coordinator that
merges them and runs the day (`postloan.day.jobs`)."""

from postloan.core.business_date import parse_as_of
from postloan.day.jobs import submit_partitioned_screening
from postloan.day.management.commands.day import Command as DayCommand
from postloan.day.pipeline import run_business_day
from postloan.ops.models import JobProgress


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
        parser.add_argument(
            "--partitions",
            type=int,
            default=0,
            help="按机构子树分成 N 个分区，作为后台任务分别筛查后汇总（默认不分区）",
        )

    def handle(self, *args, as_of=None, source="cli", partitions=0, **options):
        day = parse_as_of(as_of)
        if partitions:
            job = submit_partitioned_screening(day, partitions)
            job.refresh_from_db()
            if job.status == JobProgress.Status.QUEUED:
                self.stdout.write(
                    f"已排队：{partitions} 个分区筛查及汇总（后台任务 #{job.pk}），"
                    "由 postloan db_worker 执行"
                )
                return
            self.report(job)
            return
        self.report(run_business_day(day, source=source))
