"""`postloan recover-jobs`: find jobs whose worker died; retry them or mark them failed.

Run it every few minutes (cron / systemd timer) next to the workers; see docs/deployment.md.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from postloan.ops.jobs import recover_stale_jobs


class Command(BaseCommand):
    help = "找出工作进程中断的后台任务：仍可重试的重新排队，否则标记为失败"

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after", type=int, default=300, help="心跳超过多少秒未更新视为中断（默认 300）"
        )
        parser.add_argument(
            "--max-attempts", type=int, default=2, help="最多执行几次（默认 2：中断后重试一次）"
        )

    def handle(self, *args, **options):
        done = recover_stale_jobs(
            dt.timedelta(seconds=options["stale_after"]), max_attempts=options["max_attempts"]
        )
        self.stdout.write(
            f"重新排队 {len(done['retried'])} 个：{done['retried']}；"
            f"标记失败 {len(done['failed'])} 个：{done['failed']}"
        )
