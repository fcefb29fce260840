"""Running `postloan` commands in subprocesses against the test database (committed data)."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

POSTLOAN = str(Path(sys.executable).parent / "postloan")


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def command_env(**extra) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="postloan.settings")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start(*args, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [POSTLOAN, *args],
        env=command_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(predicate, timeout: float = 30.0, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
