"""`postloan demo`: migrate, generate the S bank, import it, screen it, create logins, serve.

Guarded (postloan.demo.guard): it refuses production settings and any database holding data
it did not create itself; the first run on an empty database marks it as the demo's, so a
second run on it carries on. Existing users are never changed.

Serving starts two processes with `POSTLOAN_TASK_BACKEND=db`: the web server and one
`postloan db_worker` beside it, so uploads, screenings and meeting packs run in the worker and
the pages stay responsive. The worker is stopped when the server stops.
"""

import contextlib
import os
import signal
import subprocess
import sys
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from postloan.demo.committees import create_demo_committee
from postloan.demo.exits import create_demo_exits
from postloan.demo.generate import DEFAULT_AS_OF, generate_bank
from postloan.demo.guard import check_demo_allowed, mark_demo_database
from postloan.demo.logins import create_demo_logins
from postloan.demo.meeting_history import create_demo_meeting_history
from postloan.demo.model_setup import prepare_demo_model
from postloan.demo.portfolio_setup import set_demo_net_capital
from postloan.forecast.models import ModelVersion
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
        ours = check_demo_allowed()
        call_command("migrate", interactive=False, verbosity=0)
        if not ours:
            mark_demo_database()
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
        if not ModelVersion.objects.exists():
            model = prepare_demo_model(folder, as_of)
            self.stdout.write(
                f"违约概率模型 v{model['version'].pk}：{model['version'].chosen_reason}"
                f"（模型说明 /risk/model/）"
            )
        if set_demo_net_capital(folder, as_of):
            self.stdout.write("已设定演示银行资本净额并完成组合风险监测")

        rows = create_demo_logins()
        if create_demo_committee() is not None:
            self.stdout.write("已组建分行贷后管理例会委员会")
        past = create_demo_meeting_history(as_of)
        if past is not None:
            self.stdout.write(
                f"历史例会：{past.branch.name}{past.date:%Y-%m-%d}月度例会（已签署），"
                "问责比对见 报表 → 问责"
            )
        exits = create_demo_exits(as_of)
        if exits:
            self.stdout.write(
                f"潜在风险客户退出名单：{len(exits)} 户（例会 → 潜在风险客户退出名单）"
            )
        self.stdout.write("")
        header = ("用户名", "密码", "角色", "姓名", "机构")
        table = [header] + [
            (r["username"], r["password"], r["role"], r["name"], r["unit"]) for r in rows
        ]
        kept = [r["username"] for r in rows if r.get("existing")]
        if kept:
            self.stdout.write(
                f"以下账号已存在，未作任何改动（密码以其现有密码为准）：{'、'.join(kept)}"
            )
        widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)))
        if not options["no_serve"]:
            self.stdout.write("")
            self.stdout.write(
                f"启动服务 http://{options['addrport']}/ 和一个后台任务工作进程（Ctrl+C 停止）"
            )
            self.stdout.flush()
            code = serve_with_worker(*demo_commands(options["addrport"]), env=demo_env())
            if code not in (0, None):
                raise CommandError(f"服务异常退出（退出码 {code}）")


POSTLOAN = [sys.executable, "-m", "postloan.cli"]


def demo_env() -> dict[str, str]:
    """The environment of the server and the worker: the database task queue."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    env["POSTLOAN_TASK_BACKEND"] = "db"
    return env


def demo_commands(addrport: str) -> tuple[list[str], list[str]]:
    server = [*POSTLOAN, "runserver", addrport, "--noreload"]
    worker = [*POSTLOAN, "db_worker", "--no-reload", "--interval", "1", "--worker-id", "demo-1"]
    return server, worker


class _Terminated(Exception):
    """SIGTERM to the demo command itself (the children did not get it)."""


def _raise_terminated(signum, frame):
    raise _Terminated


def serve_with_worker(server: list[str], worker: list[str], env: dict[str, str]) -> int | None:
    """Run `server` until it ends (or Ctrl+C, or SIGTERM) with `worker` beside it; stop the worker
    after. Returns the server's exit code (None when interrupted)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: leave the signals alone
        previous = None
    interrupted = False
    worker_proc = subprocess.Popen(worker, env=env)
    try:
        server_proc = subprocess.Popen(server, env=env)
        try:
            return server_proc.wait()
        except KeyboardInterrupt:  # Ctrl+C reached the whole process group
            interrupted = True
            return None
        except _Terminated:
            return None
        finally:
            _stop(server_proc, signalled=interrupted)
    finally:
        _stop(worker_proc, signalled=interrupted)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop(proc: subprocess.Popen, signalled: bool = False, grace: float = 10.0) -> None:
    """End a child process: SIGTERM (a worker finishes its current task first), then SIGKILL.

    After Ctrl+C the child got the SIGINT too: it is given `grace` seconds to end by itself."""
    if signalled:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
