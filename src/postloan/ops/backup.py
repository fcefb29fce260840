"""Backing up and restoring the whole database, on SQLite and on PostgreSQL.

    SQLite      the sqlite3 online backup API (a consistent copy while the app runs)
    PostgreSQL  `pg_dump --format=custom` / `pg_restore --clean` when the client tools are on
                the machine, else Django's `dumpdata` / `loaddata` (JSON, gzip) — slower, but
                needs nothing beyond the app
The file's first bytes say which kind it is; `restore` refuses a file of the wrong kind.
Backup files are created 0600 (owner only): they hold every customer's data.
"""

from __future__ import annotations

import glob
import gzip
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from postloan.portfolio import txn_totals

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
GZIP_MAGIC = b"\x1f\x8b"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done (wrong kind of file, missing tool …)."""


def pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def backup(out: Path, *, use_pg_dump: bool = True, json: bool = False) -> str:
    """Write a backup of the default database to `out`; returns the method used.

    `json=True` forces the portable dumpdata format on either database."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    private_file(out)
    vendor = connection.vendor
    if vendor == "sqlite" and not json:
        connection.ensure_connection()
        target = sqlite3.connect(out)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return "sqlite-backup-api"
    if vendor == "postgresql" and use_pg_dump and not json and pg_tool("pg_dump"):
        args, env = _pg_env()
        subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args],
            check=True,
            env=env,
            capture_output=True,
        )
        return "pg_dump"
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        # the monthly totals are derived: restore recomputes them (the triggers fire on load)
        call_command("dumpdata", exclude=["sessions", "portfolio.TxnMonthTotal"], stdout=fh)
    return "dumpdata"


def private_file(path: Path) -> None:
    """Create (or empty) `path` readable and writable by its owner only (0600) before a byte of
    the bank's data goes into it; every writer below truncates it and keeps that mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode on open


def kind_of(path: Path) -> str:
    head = Path(path).read_bytes()[:16] if Path(path).stat().st_size else b""
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    if head.startswith(GZIP_MAGIC):
        return "dumpdata"
    raise BackupError(f"无法识别的备份文件：{path}")


def restore(path: Path) -> str:
    """Replace the default database's contents by the backup at `path`."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"备份文件不存在：{path}")
    kind = kind_of(path)
    vendor = connection.vendor
    if kind == "sqlite":
        if vendor != "sqlite":
            raise BackupError("这是 SQLite 备份，当前数据库不是 SQLite")
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return kind
    if kind == "pg_dump":
        if vendor != "postgresql":
            raise BackupError("这是 PostgreSQL 备份（pg_dump），当前数据库不是 PostgreSQL")
        tool = pg_tool("pg_restore")
        if tool is None:
            raise BackupError("本机没有 pg_restore，无法恢复 pg_dump 备份")
        connection.close()
        args, env = _pg_env()
        done = subprocess.run(
            [
                tool,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:500]}")
        return kind
    # dumpdata JSON: empty every table (without re-creating groups, content types …), then load
    # everything with its original keys (one transaction inside loaddata)
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    tmp = path.with_suffix(".restore.json")
    private_file(tmp)
    with gzip.open(path, "rb") as src, tmp.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    try:
        call_command("loaddata", str(tmp), verbosity=0)
    finally:
        tmp.unlink(missing_ok=True)
    txn_totals.rebuild()  # flush may truncate without firing the triggers (PostgreSQL)
    return kind
