"""Comparing a SQLite database file before and after a killed process."""

import hashlib
import sqlite3
import subprocess
import time

from tests.ops.helpers import POSTLOAN, command_env


def fingerprint(db_file, skip=()) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table (except `skip`)."""
    con = sqlite3.connect(db_file)
    try:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            if not r[0].startswith("sqlite_") and r[0] not in skip
        ]
        out = {}
        for t in tables:
            digest = hashlib.sha256()
            n = 0
            for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                digest.update(repr(row).encode())
                n += 1
            out[t] = (n, digest.hexdigest())
        return out
    finally:
        con.close()


def writer_active(db_file) -> bool:
    """True while another connection holds the database's write lock (a transaction)."""
    con = sqlite3.connect(db_file, timeout=0)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    finally:
        con.close()


def kill_inside_write_transaction(db_file, *args, held_polls=3, timeout=120, failpoint=""):
    """Start `postloan *args` on `db_file` and SIGKILL it once it has held the write lock for
    `held_polls` consecutive polls — i.e. in the middle of its big data transaction.
    Returns how long the process had run when it was killed."""
    env = command_env(POSTLOAN_VAR_DIR=db_file.parent / "var")
    env["DATABASE_URL"] = f"sqlite:///{db_file}"
    if failpoint:  # make the process wait there, inside its transaction (core.failpoints)
        env["POSTLOAN_FAILPOINT"] = failpoint
    started = time.monotonic()
    proc = subprocess.Popen(
        [POSTLOAN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    held = 0
    try:
        while time.monotonic() - started < timeout:
            if proc.poll() is not None:
                raise AssertionError(
                    f"the process finished before it could be killed: {proc.stdout.read()!r}"
                )
            held = held + 1 if writer_active(db_file) else 0
            if held >= held_polls:
                proc.kill()
                break
            time.sleep(0.01)
        else:
            raise AssertionError("the process never took the write lock")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    return time.monotonic() - started
