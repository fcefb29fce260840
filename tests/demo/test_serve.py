"""`postloan demo` serves with the database task queue: the web server and one `postloan
db_worker` beside it, the worker stopped when the server stops."""

import sys
import time

from postloan.demo.management.commands import demo

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def test_it_serves_with_the_database_queue_and_one_worker():
    env = demo.demo_env()
    assert env["POSTLOAN_TASK_BACKEND"] == "db" and env["DJANGO_SETTINGS_MODULE"]
    server, worker = demo.demo_commands("127.0.0.1:8123")
    assert server[-3:] == ["runserver", "127.0.0.1:8123", "--noreload"]
    assert "db_worker" in worker and "--no-reload" in worker


def test_it_stops_the_worker_when_the_server_stops(tmp_path, monkeypatch):
    started = []
    real_popen = demo.subprocess.Popen

    def popen(args, **kwargs):
        proc = real_popen(args, **kwargs)
        started.append(proc)
        return proc

    monkeypatch.setattr(demo.subprocess, "Popen", popen)
    server = [sys.executable, "-c", "import sys; sys.exit(3)"]
    clock = time.monotonic()
    code = demo.serve_with_worker(server, SLEEPER, env={"PATH": ""})
    assert code == 3
    worker = started[0]
    assert worker.args == SLEEPER and worker.poll() is not None  # terminated, not left behind
    assert time.monotonic() - clock < 30


def test_it_stops_both_children_when_the_demo_is_terminated(tmp_path):
    """`kill <demo>` (SIGTERM to the demo command only) leaves no server or worker behind."""
    import os
    import signal
    import subprocess

    pids = tmp_path / "pids"
    script = f"""
import os, subprocess, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
django.setup()
from postloan.demo.management.commands import demo
real = subprocess.Popen
def popen(args, **kw):
    proc = real(args, **kw)
    with open({str(pids)!r}, "a") as f:
        f.write(f"{{proc.pid}}\\n")
    return proc
demo.subprocess.Popen = popen
print(demo.serve_with_worker({SLEEPER!r}, {SLEEPER!r}, env={{}}), flush=True)
"""
    supervisor = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_read(pids)) < 2:
        time.sleep(0.05)
    children = _read(pids)
    assert len(children) == 2
    supervisor.send_signal(signal.SIGTERM)
    out, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 0 and out.strip() == "None"
    for pid in children:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"child {pid} still running")


def _read(path) -> list[int]:
    return [int(x) for x in path.read_text().split()] if path.exists() else []
