"""`postloan export classification|signals --as-of DATE -o FILE` (the data contract's columns)."""

from django.core.management.base import BaseCommand, CommandError

from postloan.core.business_date import parse_as_of
from postloan.risk.exports import EXPORTS


class Command(BaseCommand):
    help = "导出五级分类建议（classification.csv）或预警信号（signals.csv）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(EXPORTS), help="classification 或 signals")
        parser.add_argument("--as-of", help="业务日期 YYYY-MM-DD（默认：系统业务日期）")
        parser.add_argument("-o", "--output", required=True, help="输出文件（- 为标准输出）")

    def handle(self, *args, what, as_of=None, output, **options):
        day = parse_as_of(as_of)
        write = EXPORTS[what]
        if output == "-":
            n = write(self.stdout, day)
        else:
            try:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    n = write(out, day)
            except OSError as exc:
                raise CommandError(f"无法写入文件 {output}：{exc}") from exc
            self.stderr.write(f"已导出 {n} 行到 {output}")
