"""A DuckDB query's rows as CSV through a named pipe: DuckDB writes in a thread while the caller
reads, so that exporting and loading (PostgreSQL's COPY) overlap instead of following each other,
and no CSV file takes disk space.

    with exported(stage, select_sql, options, name="transactions") as src:
        ... src.read(...) until it returns b"" ...

On leaving, the thread is joined; an error of DuckDB's is raised there, after the reader saw the
end of the rows — so the caller's load, which may have taken a partial CSV, fails with it (inside
the importer's transaction: nothing is kept). If the reader stops early, DuckDB's next write fails
(the pipe has no reader) and the thread ends.

Opening a pipe blocks until both ends are open. Should DuckDB fail before opening its end, the
thread opens it in its place (without blocking, retried until the reader has opened), so the
reader sees an empty pipe instead of waiting for ever.
"""

from __future__ import annotations

import errno
import os
import secrets
import threading
import time
from contextlib import contextmanager

from postloan.ingest.sql import lit
from postloan.ingest.stage import Stage


@contextmanager
def exported(stage: Stage, select_sql: str, options: str, name: str):
    """Yield a binary file reading the CSV of `select_sql` (DuckDB COPY `options`) as it is
    written; raise DuckDB's error, if any, on leaving."""
    path = stage.workdir / f"pipe-{name}-{secrets.token_hex(4)}.csv"
    os.mkfifo(path)
    reader_open = threading.Event()
    outcome: dict = {}

    def write() -> None:
        con = stage.con.cursor()  # DuckDB: one connection per thread
        try:
            outcome["rows"] = con.execute(
                f"COPY ({select_sql}) TO {lit(path.as_posix())} ({options}, USE_TMP_FILE false)"
            ).fetchall()[0][0]
        except BaseException as exc:
            outcome["error"] = exc
            _release_reader(path, reader_open)
        finally:
            con.close()

    thread = threading.Thread(target=write, name=f"csvpipe-{name}", daemon=True)
    thread.start()
    try:
        try:
            src = path.open("rb")  # until DuckDB (or its stand-in) opens the writing end
        finally:
            reader_open.set()
        with src:
            yield src
    finally:
        thread.join()
        path.unlink(missing_ok=True)
    if "error" in outcome:
        raise outcome["error"]


def _release_reader(path, reader_open: threading.Event) -> None:
    """Open and close the writing end, so that a reader waiting in open() sees an empty pipe.
    Non-blocking: it succeeds only while a reader is opening or has the pipe open."""
    while True:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            return
        except OSError as exc:
            if exc.errno != errno.ENXIO or reader_open.is_set():
                return
            time.sleep(0.01)
