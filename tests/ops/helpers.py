"""Running `postloan` commands in subprocesses against the test database (committed data)."""

import contextlib
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


@contextlib.contextmanager
def structured_log(logger_name: str):
    """What the console handler of settings.LOGGING prints for `logger_name`: the project's
    own text format (time, level, logger, request id, user), as a StringIO."""
    import io
    import logging

    from postloan.ops import logs

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.setFormatter(logs.TextFormatter())
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
