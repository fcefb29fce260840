"""The `sqlite3` command-line shell (Debian package `sqlite3`), for bulk work outside Python.

Bulk readers and writers hand millions of rows to the shell, a separate process that parses and
writes them in C, instead of binding them one by one from Python. The shell is a separate
connection: it sees only committed rows and cannot join the caller's transaction, so it is used
only when the caller is not inside one, and only on a database file.
"""

from __future__ import annotations

import os
import shutil


def path() -> str | None:
    """The shell's executable, or None when it is not installed."""
    return shutil.which("sqlite3")


def usable(conn) -> bool:
    """The shell can work beside Django connection `conn`: SQLite on a file, no transaction open."""
    name = str(conn.settings_dict.get("NAME") or "")
    return (
        conn.vendor == "sqlite"
        and not conn.in_atomic_block
        and path() is not None
        and name not in ("", ":memory:")
        and "mode=memory" not in name
        and os.path.exists(name)
    )
