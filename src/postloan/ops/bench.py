"""`postloan bench --scale S|M|L`: generate (or reuse) the demo bank, import it into a fresh
database, screen it, serve it with gunicorn on loopback and load-test it; report a table and JSON.

    generate  postloan demo-data --scale X --seed 1 --out var/bench/X-1   (reused when present)
    import    fresh database (SQLite file under var/bench/, or --database-url), migrate, import
              with the import_completed listeners off, so the figure is the importer's own
    screen    run_screening(as_of)   (then the demo logins and the 分行 committee are created)
    rescreen  the same date again (what a correction import does), then the next date
    delta     one business day of new rows imported (`BENCH_HOOKS`: the ingest's function)
    what-if   the threshold impact preview (`BENCH_HOOKS`: the meetings' what-if)
    scan      the columnar reference: one DuckDB scan grouping the repayments by loan and the
              flows by account × month × direction, from Parquet copies and from the CSV files
    serve     gunicorn, N workers, 127.0.0.1 only
    load      postloan.ops.loadtest: U users over the main pages for T seconds → p50 / p95

Each phase but the load runs in its own child process, so peak memory (max RSS) is per phase.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import django
from django.core.management import call_command

from postloan.demo.committees import create_demo_committee
from postloan.demo.logins import create_demo_logins
from postloan.ingest.delta import bench_delta_day
from postloan.ingest.service import run_import
from postloan.ingest.signals import import_completed
from postloan.meetings.whatif import bench_whatif
from postloan.ops.loadtest import run_load
from postloan.portfolio.models import Customer, Loan
from postloan.risk.actions.screening import run_screening
from postloan.worklist.planning import plan_worklist

AS_OF = "2026-10-31"
# Phases other parts of the product own: f(folder: Path, as_of: date) -> dict with "seconds".
# A phase not run reads 未测 in the table.
BENCH_HOOKS = {
    "delta": bench_delta_day,  # a daily delta import (ingest)
    "whatif": bench_whatif,  # the threshold what-if (risk, its agenda changes by meetings)
}
NOT_MEASURED = "未测"
DEMO_ROLES = ("account_manager", "risk_manager", "dept_head", "chair", "vice_chair", "credit_mgmt")


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def postloan_bin() -> str:
    return str(Path(sys.executable).parent / "postloan")


def child_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        POSTLOAN_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="postloan.settings",
        POSTLOAN_TASK_BACKEND="immediate",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _timed(cmd: list[str], env: dict, log) -> tuple[float, str]:
    log(f"$ {' '.join(cmd)}")
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(
            f"命令失败：{' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return time.perf_counter() - t0, done.stdout


def phase_child(phase: str, folder: str, as_of: str) -> None:
    """Runs inside a child process with the bench database configured; prints one JSON line."""
    django.setup()

    out: dict = {"phase": phase}
    t0 = time.perf_counter()
    if phase == "import":
        call_command("migrate", interactive=False, verbosity=0)
        out["migrate_s"] = round(time.perf_counter() - t0, 2)

        import_completed.receivers = []
        import_completed.sender_receivers_cache.clear()
        t0 = time.perf_counter()
        result = run_import(folder, as_of=dt.date.fromisoformat(as_of))
        out.update(
            ok=result.ok,
            rows=result.batch.rows,
            errors=result.batch.error_count,
            timings=result.timings,
            seconds=round(time.perf_counter() - t0, 2),
        )
    elif phase == "screen":
        run = run_screening(dt.date.fromisoformat(as_of))
        out.update(seconds=round(time.perf_counter() - t0, 2), counts=run.counts)
        out["plan"] = _plan(dt.date.fromisoformat(as_of))

        t1 = time.perf_counter()
        create_demo_logins()
        create_demo_committee()
        out["logins_s"] = round(time.perf_counter() - t1, 2)

        out["customers"] = Customer.objects.count()
        out["loans"] = Loan.objects.count()
    elif phase in ("rescreen", "next-date"):
        day = dt.date.fromisoformat(as_of)
        if phase == "next-date":
            day += dt.timedelta(days=1)
        run = run_screening(day)
        out.update(seconds=round(time.perf_counter() - t0, 2), as_of=day, counts=run.counts)
        out["plan"] = _plan(day)
    elif phase in BENCH_HOOKS:
        if phase == "delta":  # the import's own seconds: its screening is the next-date figure
            import_completed.receivers = []
            import_completed.sender_receivers_cache.clear()
        out.update(bench_hook(phase)(Path(folder), dt.date.fromisoformat(as_of)) or {})
        out.setdefault("seconds", round(time.perf_counter() - t0, 2))
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("BENCH-JSON " + json.dumps(out, ensure_ascii=False, default=str))


def _plan(day: dt.date) -> dict:
    """The worklist's re-plan after the screening, as the business day runs it (scoped: only
    the customers whose inputs changed, `worklist.scope`), with its seconds."""
    t0 = time.perf_counter()
    summary = plan_worklist(day, scoped=True)
    scope = summary.scope
    return {
        "seconds": round(time.perf_counter() - t0, 2),
        "full": scope.full,
        "customers": None if scope.full else len(scope.customers),
        "reason": scope.reason,
        "read": summary.read,
    }


def bench_hook(phase: str):
    """The function behind a hooked phase (None: not a hooked phase)."""
    return BENCH_HOOKS.get(phase)


SCAN_SQL = """
    SELECT (SELECT count(*) FROM (
              SELECT loan_id, count(*), sum(CAST(principal_due AS DECIMAL(18, 2))),
                     sum(CAST(principal_paid AS DECIMAL(18, 2))), max(CAST(due_date AS DATE))
              FROM {repayments} GROUP BY loan_id)),
           (SELECT count(*) FROM (
              SELECT account_id, date_trunc('month', CAST(txn_date AS DATE)) AS month, direction,
                     count(*), sum(CAST(amount AS DECIMAL(18, 2)))
              FROM {transactions} GROUP BY ALL))
"""


def columnar_scan(folder: Path, work: Path) -> dict:
    """The reference a screening is held against: one DuckDB scan of its two big inputs —
    the repayments grouped by loan, the flows by account × month × direction — from Parquet
    copies of the extract (written once under `work`, not timed) and straight from the CSV."""
    import duckdb

    work.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        sources = {}
        for name in ("repayments", "transactions"):
            csv = folder / f"{name}.csv"
            parquet = work / f"{name}.parquet"
            if not parquet.exists() or parquet.stat().st_mtime < csv.stat().st_mtime:
                con.execute(
                    f"COPY (SELECT * FROM read_csv('{csv.as_posix()}', all_varchar = true)) "
                    f"TO '{parquet.as_posix()}' (FORMAT parquet)"
                )
            sources[name] = (
                f"read_parquet('{parquet.as_posix()}')",
                f"read_csv('{csv.as_posix()}', all_varchar = true)",
            )
        out = {}
        for kind, index in (("parquet", 0), ("csv", 1)):
            t0 = time.perf_counter()
            loans, groups = con.execute(
                SCAN_SQL.format(
                    repayments=sources["repayments"][index],
                    transactions=sources["transactions"][index],
                )
            ).fetchall()[0]
            out[f"{kind}_s"] = round(time.perf_counter() - t0, 2)
        out.update(seconds=out["parquet_s"], loans=loans, account_months=groups)
        return out
    finally:
        con.close()


def _child(phase: str, folder: Path, env: dict, log) -> dict:
    cmd = [sys.executable, "-m", "postloan.ops.bench_child", phase, str(folder), AS_OF]
    seconds, stdout = _timed(cmd, env, log)
    line = next(x for x in stdout.splitlines() if x.startswith("BENCH-JSON "))
    data = json.loads(line[len("BENCH-JSON ") :])
    data["wall_s"] = round(seconds, 2)
    return data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_load(
    env: dict, users: int, seconds: float, workers: int, log, think: float = 0.0
) -> dict:
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    cmd = [
        gunicorn,
        "postloan.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    log(f"$ {' '.join(cmd)}")
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    stderr = server.stderr.read().decode()[-2000:]
                    raise RuntimeError("gunicorn 未能启动：" + stderr) from exc
                time.sleep(0.3)
        logins = [(role, f"postloan-{role}") for role in DEMO_ROLES]
        summary = run_load("127.0.0.1", port, logins, users=users, seconds=seconds, think=think)
        summary["workers"] = workers
        summary["users"] = users
        summary["think_s"] = think
        return summary
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def run_bench(
    scale: str,
    var_dir: Path,
    database_url: str | None = None,
    users: int = 20,
    seconds: float = 60,
    workers: int = 4,
    log=print,
    think: float = 0.0,
    reuse_database: bool = False,
) -> dict:
    scale = scale.upper()
    bench_dir = var_dir / "bench"
    folder = bench_dir / f"{scale}-1"
    report: dict = {
        "scale": scale,
        "machine": machine(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if not (folder / "stories.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        seconds_gen, _ = _timed(
            [postloan_bin(), "demo-data", "--scale", scale, "--seed", "1", "--out", str(folder)],
            child_env(f"sqlite:///{bench_dir / 'scratch.sqlite3'}", bench_dir / "scratch-var"),
            log,
        )
        report["generate"] = {"seconds": round(seconds_gen, 2), "reused": False}
    else:
        report["generate"] = {"seconds": None, "reused": True}
    report["generate"]["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
    )
    run_dir = bench_dir / f"{scale}-run"
    url = database_url or f"sqlite:///{run_dir / 'postloan.sqlite3'}"
    report["database"] = url.split("://", 1)[0]
    env = child_env(url, run_dir / "var")
    previous = bench_dir / f"bench-{scale}.json"
    if reuse_database and previous.exists():
        old = json.loads(previous.read_text(encoding="utf-8"))
        report.update({k: old[k] for k in ("generate", "import", "screen") if k in old})
        report["reused_database"] = True
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        report["import"] = _child("import", folder, env, log)
        rows, secs = report["import"]["rows"], report["import"]["seconds"]
        report["import"]["rows_per_second"] = round(rows / secs) if secs else None
        report["screen"] = _child("screen", folder, env, log)
        loans = report["screen"].get("loans") or 0
        secs = report["screen"]["seconds"]
        report["screen"]["loans_per_second"] = round(loans / secs) if secs else None
        # Side by side in one run: the same date again (what a correction import does) and the
        # next date; the first must cost no more than the second.
        report["rescreen"] = _child("rescreen", folder, env, log)
        report["next_date"] = _child("next-date", folder, env, log)
        for phase in BENCH_HOOKS:  # on the next date's state, after the screenings
            report[phase] = _child(phase, folder, env, log)
    t0 = time.perf_counter()
    report["scan"] = columnar_scan(folder, bench_dir / f"{scale}-columnar")
    log(f"列式扫描参照 {time.perf_counter() - t0:.1f} 秒（含首次写 Parquet）")
    report["ratios"] = ratios(report)
    report["meeting_pack"] = {
        "seconds": None,
        "note": "见 benchmarks/bench_pack.py（例会材料单独测量）",
    }
    if users > 0 and seconds > 0:
        report["load"] = serve_and_load(env, users, seconds, workers, log, think=think)
    suffix = f"-think{think:g}" if think else ""
    out = bench_dir / f"bench-{scale}{suffix}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    report["json"] = str(out)
    return report


def ratios(report: dict) -> dict:
    """Each screening over the columnar scan of its inputs, and the same date again over the
    next date (the goal: ≤ 1)."""

    def seconds(phase: str):
        return (report.get(phase) or {}).get("seconds")

    def over(a, b):
        return round(a / b, 2) if a is not None and b else None

    scan = seconds("scan")
    return {
        "screen_over_scan": over(seconds("screen"), scan),
        "rescreen_over_scan": over(seconds("rescreen"), scan),
        "next_date_over_scan": over(seconds("next_date"), scan),
        "rescreen_over_next_date": over(seconds("rescreen"), seconds("next_date")),
    }


def _plans(scr: dict, report: dict) -> str:
    """The worklist's plan after each screening (seconds, and how many customers a scoped
    re-plan looked at)."""
    shown = []
    for phase in (scr, report.get("rescreen") or {}, report.get("next_date") or {}):
        plan = phase.get("plan") or {}
        if not plan:
            shown.append("-")
            continue
        extent = "全量" if plan.get("full") else f"{plan.get('customers', 0):,} 户"
        shown.append(f"{plan.get('seconds')}（{extent}）")
    return " / ".join(shown)


def _hooked(report: dict, phase: str):
    """A hooked phase's seconds, or 未测 when this build lacks it (or it was not run)."""
    value = (report.get(phase) or {}).get("seconds")
    return NOT_MEASURED if value is None else value


def table(report: dict) -> str:
    imp, scr, gen = report["import"], report["screen"], report["generate"]
    load = report.get("load") or {}
    scan, ratio = report.get("scan") or {}, report.get("ratios") or {}
    rows = [
        ("规模", report["scale"]),
        ("数据库", report["database"]),
        ("生成（秒）", "复用" if gen["reused"] else gen["seconds"]),
        ("导入行数", f"{imp['rows']:,}"),
        ("导入（秒）", imp["seconds"]),
        ("导入速度（行/秒）", f"{imp['rows_per_second']:,}" if imp["rows_per_second"] else "-"),
        ("导入峰值内存（MB）", imp["peak_rss_mb"]),
        ("筛查借据数", f"{scr.get('loans', 0):,}"),
        ("筛查（秒）", scr["seconds"]),
        ("筛查峰值内存（MB）", scr["peak_rss_mb"]),
        ("同日重新筛查（秒）", (report.get("rescreen") or {}).get("seconds", "-")),
        ("次日筛查（秒）", (report.get("next_date") or {}).get("seconds", "-")),
        ("首次计划 / 同日重排 / 次日重排（秒）", _plans(scr, report)),
        ("日增量导入（秒）", _hooked(report, "delta")),
        ("阈值影响预览（秒）", _hooked(report, "whatif")),
        (
            "列式扫描参照：Parquet / CSV（秒）",
            f"{scan.get('parquet_s', '-')} / {scan.get('csv_s', '-')}",
        ),
        ("首次筛查 ÷ 列式扫描", ratio.get("screen_over_scan") or "-"),
        ("同日重新筛查 ÷ 列式扫描", ratio.get("rescreen_over_scan") or "-"),
        ("次日筛查 ÷ 列式扫描", ratio.get("next_date_over_scan") or "-"),
        ("同日重新筛查 ÷ 次日筛查", ratio.get("rescreen_over_next_date") or "-"),
        ("并发用户 / 进程", f"{load.get('users', '-')} / {load.get('workers', '-')}"),
        ("每次点击间隔（秒）", load.get("think_s", "-")),
        ("请求数 / 错误", f"{load.get('requests', '-')} / {load.get('errors', '-')}"),
        ("页面延迟 p50（毫秒）", load.get("p50_ms", "-")),
        ("页面延迟 p95（毫秒）", load.get("p95_ms", "-")),
        (
            "机器",
            f"{report['machine']['nproc']} 核，{report['machine']['memory_gb']} GB，{report['machine']['cpu']}",
        ),
    ]
    width = max(len(k) for k, _ in rows) + 2
    return "\n".join(f"{k:<{width}}{v}" for k, v in rows)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    phase_child(sys.argv[1], sys.argv[2], sys.argv[3])
