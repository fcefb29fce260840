"""`postloan bench --scale S|M|L`: the benchmark of docs/performance.md (table + JSON)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from postloan.ops.bench import run_bench, table


class Command(BaseCommand):
    help = "性能基准：生成（或复用）演示数据、导入新库、筛查、负载测试，输出表格和 JSON"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", default="S", choices=["XS", "S", "M", "L", "xs", "s", "m", "l"]
        )
        parser.add_argument(
            "--database-url", default=None, help="空的 PostgreSQL 库（默认新建 SQLite）"
        )
        parser.add_argument(
            "--users", type=int, default=20, help="并发用户数（默认 20，0 = 不做负载测试）"
        )
        parser.add_argument("--seconds", type=float, default=60, help="负载测试时长（秒）")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn 进程数")
        parser.add_argument(
            "--think", type=float, default=0.0, help="每个用户两次点击之间的间隔（秒，默认 0）"
        )
        parser.add_argument(
            "--reuse-database", action="store_true", help="复用上次导入的库，只做负载测试"
        )
        parser.add_argument(
            "--var-dir", default=None, help="工作目录（默认 var/，数据在 var/bench/）"
        )

    def handle(self, *args, **options):
        var_dir = Path(options["var_dir"] or settings.VAR_DIR)
        try:
            report = run_bench(
                options["scale"],
                var_dir,
                database_url=options["database_url"],
                users=options["users"],
                seconds=options["seconds"],
                workers=options["workers"],
                log=lambda line: self.stderr.write(line),
                think=options["think"],
                reuse_database=options["reuse_database"],
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(table(report))
        self.stdout.write(f"JSON：{report['json']}")
