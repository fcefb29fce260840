"""`postloan recover-jobs`: find jobs whose worker died (retry them or mark them failed), and
import batches / screening runs whose process died (close them as 已中断, with the reason).

Run it every few minutes (cron / systemd timer) next to the workers; see docs/deployment.md.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from postloan.ops.stale_runs import recover_stale_jobs, recover_stale_runs, stale_after


class Command(BaseCommand):
    help = (
        "找出工作进程中断的后台任务：仍可重试的重新排队，否则标记为失败；"
        "并把进程已中断的导入批次和筛查标记为失败（已中断）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after", type=int, default=300, help="心跳超过多少秒未更新视为中断（默认 300）"
        )
        parser.add_argument(
            "--max-attempts", type=int, default=2, help="最多执行几次（默认 2：中断后重试一次）"
        )
        parser.add_argument(
            "--stale-run-minutes",
            type=int,
            default=None,
            help="导入批次、筛查的心跳超过多少分钟未更新视为中断"
            "（默认取 POSTLOAN_STALE_RUN_MINUTES，15）",
        )

    def handle(self, *args, **options):
        done = recover_stale_jobs(
            dt.timedelta(seconds=options["stale_after"]), max_attempts=options["max_attempts"]
        )
        minutes = options["stale_run_minutes"]
        runs = recover_stale_runs(
            dt.timedelta(minutes=minutes) if minutes is not None else stale_after()
        )
        self.stdout.write(
            f"重新排队 {len(done['retried'])} 个：{done['retried']}；"
            f"标记失败 {len(done['failed'])} 个：{done['failed']}；"
            f"已中断的导入批次 {len(runs['batches'])} 个：{runs['batches']}；"
            f"已中断的筛查 {len(runs['screenings'])} 个：{runs['screenings']}"
        )
