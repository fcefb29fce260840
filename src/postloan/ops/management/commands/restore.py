"""`postloan restore FILE`: replace the database's contents by a backup (stop the app first)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from postloan.core.audit import record
from postloan.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "用备份文件覆盖当前数据库（请先停止网页服务和后台工作进程）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="postloan backup 生成的备份文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not options["yes"] and options.get("interactive", True):
            answer = input(f"将用 {path} 覆盖当前数据库的全部数据，确认请输入 yes：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消恢复")
        try:
            kind = restore(path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        record(
            actor=None,
            action="ops.restore",
            object_type="database",
            object_id=str(path)[:128],
            after={"kind": kind},
        )
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复数据库（{kind}）"))
