"""`postloan analytics status|rebuild`: the analytical copy the screening reads."""

from django.core.management.base import BaseCommand, CommandError

from postloan.risk import copy


class Command(BaseCommand):
    help = "分析副本（筛查读取的列式数据）：status 查看是否与最近一次成功导入一致；rebuild 从数据库重建"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "rebuild"], help="status 或 rebuild")

    def handle(self, *args, action="status", **options):
        if action == "status":
            now = copy.state()
            self.stdout.write(now.describe())
            if now.exists:
                rows = "，".join(f"{t} {n:,} 行" for t, n in now.generation.rows.items())
                self.stdout.write(f"行数：{rows}；分片：{now.generation.parts}")
            return
        try:
            manifest = copy.rebuild()
        except copy.CopyError as exc:
            raise CommandError(str(exc)) from exc
        rows = "，".join(f"{t} {n:,} 行" for t, n in manifest.rows().items())
        self.stdout.write(
            self.style.SUCCESS(
                f"分析副本已从数据库重建（批次 {manifest.batch_id or '无'}）：{rows}"
            )
        )
