"""`postloan backup -o FILE`: a consistent copy of the whole database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from postloan.core.audit import record
from postloan.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份整个数据库到一个文件（SQLite：在线备份；PostgreSQL：pg_dump 或 dumpdata）"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份文件路径")
        parser.add_argument(
            "--json",
            action="store_true",
            help="用可移植的 dumpdata（JSON）格式，不用 pg_dump / SQLite 备份",
        )

    def handle(self, *args, **options):
        out = Path(options["output"])
        try:
            method = backup(out, json=options["json"])
        except (BackupError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        record(
            actor=None,
            action="ops.backup",
            object_type="database",
            object_id=str(out)[:128],
            after={"method": method, "bytes": out.stat().st_size},
        )
        self.stdout.write(
            self.style.SUCCESS(f"已备份到 {out}（{method}，{out.stat().st_size:,} 字节）")
        )
