"""`postloan demo`: migrate, generate the S bank, import it, screen it, create logins, serve."""

from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from postloan.demo.committees import create_demo_committee
from postloan.demo.generate import DEFAULT_AS_OF, generate_bank
from postloan.demo.logins import create_demo_logins
from postloan.demo.meeting_history import create_demo_meeting_history
from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.risk.actions import run_screening
from postloan.risk.models import LoanAssessment

SCALE, SEED = "S", 1


def _already_imported(folder) -> bool:
    return ImportBatch.objects.filter(path=str(folder), outcome="succeeded").exists()


class Command(BaseCommand):
    help = "一键演示：建库、生成 S 规模演示数据、导入、预警筛查、创建各角色账号并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="服务地址，默认 127.0.0.1:8000"
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        folder = settings.VAR_DIR / "demo" / f"{SCALE}-{SEED}"
        as_of: date = DEFAULT_AS_OF
        if not (folder / "stories.json").exists():
            self.stdout.write(f"生成演示数据 → {folder}")
            generate_bank(SCALE, SEED, folder, as_of)
        else:
            self.stdout.write(f"演示数据已存在：{folder}")

        if _already_imported(folder):
            self.stdout.write("该文件夹已成功导入，跳过导入")
        else:
            result = run_import(folder, as_of=as_of, user=None, source="cli")
            if not result.ok:
                for error in list(result.errors)[:20]:
                    self.stderr.write(str(error))
                raise CommandError("演示数据导入失败")
            self.stdout.write(self.style.SUCCESS("演示数据已导入"))

        if not LoanAssessment.objects.filter(as_of=as_of).exists():
            run_screening(as_of, acting_user=None)
        self.stdout.write("已完成风险预警筛查与贷后工作计划")

        rows = create_demo_logins()
        if create_demo_committee() is not None:
            self.stdout.write("已组建分行贷后管理例会委员会")
        past = create_demo_meeting_history(as_of)
        if past is not None:
            self.stdout.write(
                f"历史例会：{past.branch.name}{past.date:%Y-%m-%d}月度例会（已签署），"
                "问责比对见 报表 → 问责"
            )
        self.stdout.write("")
        header = ("用户名", "密码", "角色", "姓名", "机构")
        table = [header] + [
            (r["username"], r["password"], r["role"], r["name"], r["unit"]) for r in rows
        ]
        widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)))
        if not options["no_serve"]:
            call_command("runserver", options["addrport"], use_reloader=False)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
