"""`postloan import PATH [--as-of YYYY-MM-DD]`: import a bank extract (all-or-nothing)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from postloan.ingest.report import summary_lines
from postloan.ingest.service import run_import


class Command(BaseCommand):
    help = "导入银行数据文件（文件夹或 Excel 工作簿）；任何一行有错则整批不导入"

    def add_arguments(self, parser):
        parser.add_argument("path", help="文件夹（每张表一个文件）或一个 .xlsx 工作簿")
        parser.add_argument(
            "--as-of", default=None, help="数据日期 YYYY-MM-DD（默认取流水/余额的最新日期）"
        )

    def handle(self, *args, **options):
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"数据日期格式应为 YYYY-MM-DD：{options['as_of']}") from None
        started = time.perf_counter()
        try:
            result = run_import(options["path"], as_of=as_of, source="cli")
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        batch = result.batch
        self.stdout.write(f"导入批次 #{batch.pk}：{options['path']}")
        for line in summary_lines(result):
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(
                f"导入失败：共 {batch.error_count} 处错误，本批次未写入任何数据（{elapsed:.1f} 秒）"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"导入成功：{batch.rows:,} 行，数据日期 {batch.as_of:%Y-%m-%d}（{elapsed:.1f} 秒）"
            )
        )
