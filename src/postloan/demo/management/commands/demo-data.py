"""`postloan demo-data --scale S --seed 1 --out DIR [--as-of 2026-10-31]`."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from postloan.demo.generate import DEFAULT_AS_OF, generate_bank
from postloan.demo.scales import SCALES


class Command(BaseCommand):
    help = "生成演示银行数据（数据契约格式的 CSV 文件夹，含 stories.json）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="S", help=f"规模：{' / '.join(SCALES)}")
        parser.add_argument(
            "--seed", type=int, default=1, help="随机种子（同一种子生成完全相同的文件）"
        )
        parser.add_argument("--out", required=True, help="输出文件夹")
        parser.add_argument(
            "--as-of", default=DEFAULT_AS_OF.isoformat(), help="业务日期 YYYY-MM-DD"
        )

    def handle(self, *args, **options):
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(f"业务日期格式应为 YYYY-MM-DD：{options['as_of']}") from None
        started = time.perf_counter()
        try:
            counts = generate_bank(options["scale"], options["seed"], options["out"], as_of)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name, n in counts.items():
            self.stdout.write(f"{name:<18}{n:>12,}")
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {options['out']}（{time.perf_counter() - started:.1f} 秒）")
        )
