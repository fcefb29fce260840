"""Scratch folders under POSTLOAN_SCRATCH_DIR (default `VAR_DIR/tmp`) that a killed process does not leave behind for ever.

An import stages gigabytes (DuckDB's database, side files) and a screening may spill; a process
killed mid-way (SIGKILL, out of memory, a machine restart) cannot clean up after itself. Each
folder made here carries an `owner` file naming its host and process; `sweep()` — run whenever a
new one is made — removes the folders whose process is gone. Only this host's folders are judged
(`VAR_DIR` may be shared by several machines), and a folder without an owner file is left alone.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

from django.conf import settings

OWNER = "owner"


def root() -> Path:
    """POSTLOAN_SCRATCH_DIR (a fast local disk of this machine), else `VAR_DIR/tmp`."""
    configured = getattr(settings, "POSTLOAN_SCRATCH_DIR", "")
    path = Path(configured) if configured else Path(settings.VAR_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def make(prefix: str, *, fixed: str | None = None) -> Path:
    """A new scratch folder `<prefix><random>` (or the folder `fixed`, made if missing) owned
    by this process; sweeps the folders of dead processes first."""
    sweep()
    if fixed:
        folder = root() / fixed
        folder.mkdir(exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=root()))
    (folder / OWNER).write_text(f"{socket.gethostname()} {os.getpid()}\n", encoding="utf-8")
    return folder


def sweep() -> list[Path]:
    """Remove the scratch folders of this host's processes that no longer run; return them."""
    host = socket.gethostname()
    removed = []
    for folder in root().iterdir():
        owner = folder / OWNER
        try:
            owner_host, pid = owner.read_text(encoding="utf-8").split()
        except (OSError, ValueError):
            continue  # not ours, or being made right now
        if owner_host == host and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, another user's
    return True
