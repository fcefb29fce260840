"""SQLite: the big tables of a batch reach the database through side files written by the
`sqlite3` shell, not through Python.

    a thread, table after table (the largest first), beside the importer's own work:
        DuckDB ──COPY TO──► <workdir>/side-<n>.csv ──sqlite3 .import──► <workdir>/side-<n>.db
                                                   (one shell process per table)
    the importer, inside its transaction, when it reaches the table:
        ATTACHed side file ──one INSERT … SELECT (… ON CONFLICT …)──► the table

Binding millions of rows one at a time from Python was most of an SQLite import. DuckDB exports
in its own thread (it releases the GIL) while the importer diffs history and writes the audit
trail and the small tables; the shell parses the CSV in C in its own process; the copy into the
table is one statement inside the database. The side files are separate databases that only the
import reads: attaching them changes nothing in the main database, so the write stays one
all-or-nothing transaction. They are detached after it ends and deleted with the stage's scratch folder.

The values mean what the `executemany` path would bind: the CSV carries text; NULL is a random
token of this import that the shell turns back into NULL after its import (in the columns whose
target accepts NULL; elsewhere a NULL fails the export); booleans travel as 1/0; dates, decimals
and times as DuckDB's text of them (what Django stores on SQLite). The side tables declare no
column types, so the text reaches the target column as bound text would, and the column's own
type affinity makes the same value of it. Rows are written in the order given (the target's
key), which keeps the key index appending rather than splitting pages.

Used only on SQLite with the shell installed and no transaction open (`core.sqlite_shell.usable`)
— otherwise every table goes through `executemany` as before.
"""

from __future__ import annotations

import secrets
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from postloan.core import sqlite_shell
from postloan.ingest.load import SQLITE_AS_TEXT
from postloan.ingest.sql import ident, lit
from postloan.ingest.stage import Stage

MIN_ROWS = 500_000  # below this, executemany is about as quick (well under a second)
MAX_FILES = 8  # SQLite attaches at most 10 databases at once; the largest tables get a side file


class SideFileError(RuntimeError):
    """A side file could not be written (the import fails; the database is untouched)."""


@dataclass
class _Side:
    schema: str  # the name the file is attached under
    path: Path
    select_sql: str
    order: list[int]
    not_null: frozenset[int]  # 0-based positions of columns that never hold NULL
    ready: threading.Event = field(default_factory=threading.Event)  # exported, shell started
    columns: int = 0
    rows: int = 0  # as exported by DuckDB
    process: subprocess.Popen | None = None


class SideFiles:
    """The side files of one import. `add` names a table's rows; inside `active()` a thread
    exports them one table after another and starts a shell for each, and the files stand in
    `stage.side`, where the loader finds them: the first lookup of a table waits for its export
    and its shell, checks the file and attaches it."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.null = f"NULL-{secrets.token_hex(16)}"
        self.sides: dict[str, _Side] = {}
        self.attached: list[str] = []
        self.error: BaseException | None = None
        self._stop = threading.Event()

    @staticmethod
    def available() -> bool:
        return sqlite_shell.usable(connection)

    def add(
        self, name: str, select_sql: str, order: list[int], not_null: frozenset[int] = frozenset()
    ) -> None:
        """Table `name` will be written from the DuckDB query's rows, sorted by the 1-based
        column positions `order`. `not_null` (0-based positions) names the columns whose target
        refuses NULL: the export fails on a NULL there, and the shell need not look for NULLs in
        them. Tables are exported in the order they are added."""
        index = len(self.sides)
        path = self.stage.workdir / f"side-{index}.db"
        self.sides[name] = _Side(f"side_{index}", path, select_sql, order, not_null)

    def __contains__(self, name: str) -> bool:
        return name in self.sides

    def __getitem__(self, name: str) -> str:
        """The rows of table `name` as an SQL query (columns in export order); on first use
        waits for the export and the shell, attaches the file and checks every row arrived."""
        side = self.sides[name]
        if side.schema not in self.attached:
            side.ready.wait()
            if side.process is None:
                raise SideFileError(f"旁路文件导出失败：{self.error}")
            _finish(side.process)
            with connection.cursor() as cur:
                cur.execute(f"ATTACH DATABASE %s AS {side.schema}", [side.path.as_posix()])
                self.attached.append(side.schema)
                cur.execute(f"SELECT coalesce(max(rowid), 0) FROM {side.schema}.rows")
                written = cur.fetchone()[0]
            if written != side.rows:
                raise SideFileError(f"sqlite3 只写入了 {written} 行，应为 {side.rows} 行")
        return f"SELECT {', '.join(f'c{i}' for i in range(side.columns))} FROM {side.schema}.rows"

    @contextmanager
    def active(self):
        """Export in a thread and offer the side files as `stage.side`; afterwards (wrap the
        import's transaction, so that this runs after its commit or rollback) stop the export
        and the shells, detach, delete."""
        con = self.stage.con.cursor()  # DuckDB: one connection per thread
        thread = threading.Thread(target=self._export_all, args=(con,), daemon=True)
        thread.start()
        self.stage.side = self
        try:
            yield
        finally:
            self.stage.side = {}
            self._stop.set()
            con.interrupt()
            thread.join()
            con.close()
            for side in self.sides.values():
                if side.process is not None:
                    if side.process.poll() is None:
                        side.process.kill()
                        side.process.wait()
                    side.process.stderr.close()
            with connection.cursor() as cur:
                for schema in self.attached:
                    cur.execute(f"DETACH DATABASE {schema}")
            for side in self.sides.values():
                side.path.unlink(missing_ok=True)

    def _export_all(self, con) -> None:
        try:
            for side in self.sides.values():
                if self._stop.is_set():
                    break
                self._export(con, side)
                side.ready.set()
        except BaseException as exc:  # handed to the importer by __getitem__
            self.error = exc
        finally:
            for side in self.sides.values():
                side.ready.set()

    def _export(self, con, side: _Side) -> None:
        """Export the rows as CSV and start the shell that writes them into the side file."""
        rel = con.sql(side.select_sql)
        aliases = [f"c{i}" for i in range(len(rel.columns))]
        casts = ", ".join(
            _refuse_null(a, _cast(a, t.id)) if i in side.not_null else _cast(a, t.id)
            for i, (a, t) in enumerate(zip(aliases, rel.types, strict=True))
        )
        by = ", ".join(aliases[i - 1] for i in side.order) or "1"
        csv_path = side.path.with_suffix(".csv")
        side.rows = con.execute(
            f"COPY (SELECT {casts} FROM ({side.select_sql}) AS q({', '.join(aliases)})"
            f" ORDER BY {by}) TO {lit(csv_path.as_posix())}"
            f" (FORMAT csv, HEADER false, NULLSTR {lit(self.null)})"
        ).fetchall()[0][0]
        side.columns = len(aliases)
        token = lit(self.null)
        nullable = [a for i, a in enumerate(aliases) if i not in side.not_null]
        script = [
            "PRAGMA journal_mode = OFF;",
            "PRAGMA synchronous = OFF;",
            f"CREATE TABLE rows ({', '.join(aliases)});",
            f".import --csv '{csv_path.as_posix()}' rows",
            # the CSV is read: free its disk space before the next table's export
            f".shell rm -f '{csv_path.as_posix()}'",
        ]
        if nullable:  # NULLs back in this process, beside the importer, not in its copy
            script.append(
                f"UPDATE rows SET {', '.join(f'{a} = NULLIF({a}, {token})' for a in nullable)}"
                f" WHERE {' OR '.join(f'{a} = {token}' for a in nullable)};"
            )
        side.process = subprocess.Popen(
            [sqlite_shell.path(), "-bail", side.path.as_posix()],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        side.process.stdin.write("\n".join(script).encode() + b"\n")
        side.process.stdin.close()


def _refuse_null(alias: str, expr: str) -> str:
    """`expr`, or an error when the value is NULL (the target column refuses it)."""
    message = lit(f"旁路导出：第 {int(alias[1:]) + 1} 列出现空值，而目标列不允许为空")
    return f"CASE WHEN {alias} IS NULL THEN error({message}) ELSE {expr} END"


def _cast(alias: str, type_id: str) -> str:
    if type_id == "boolean":
        return f"CAST({alias} AS INTEGER)"
    if type_id in SQLITE_AS_TEXT:
        return f"CAST({alias} AS VARCHAR)"
    return ident(alias)


def _finish(process: subprocess.Popen) -> None:
    error = process.stderr.read()
    process.stderr.close()
    if process.wait() != 0 or error.strip():
        raise SideFileError(f"sqlite3 写入旁路文件失败：{error.decode(errors='replace')[:500]}")
