"""Scratch folders of dead processes are swept; live, foreign and unowned ones stay."""

import os
import socket
import subprocess
import sys

from postloan.core import scratch


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _owned(folder, host: str, pid: int):
    folder.mkdir()
    (folder / scratch.OWNER).write_text(f"{host} {pid}\n", encoding="utf-8")
    (folder / "stage.duckdb").write_bytes(b"x" * 1000)
    return folder


def test_it_sweeps_only_this_hosts_dead_processes(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    root = scratch.root()
    here = socket.gethostname()
    dead = _owned(root / "import-dead", here, _dead_pid())
    live = _owned(root / "import-live", here, os.getpid())
    elsewhere = _owned(root / "import-elsewhere", "another-host", _dead_pid())
    unowned = root / "import-unowned"
    unowned.mkdir()

    assert scratch.sweep() == [dead]
    assert not dead.exists()
    assert live.exists() and elsewhere.exists() and unowned.exists()


def test_a_new_folder_is_owned_and_sweeps_first(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    dead = _owned(scratch.root() / "snapshot-old", socket.gethostname(), _dead_pid())
    made = scratch.make("import-")
    assert not dead.exists()
    assert made.name.startswith("import-")
    assert (made / scratch.OWNER).read_text().split() == [socket.gethostname(), str(os.getpid())]
    again = scratch.make("", fixed="duckdb-spill-1")
    assert (
        again == scratch.root() / "duckdb-spill-1" and scratch.make("", fixed=again.name) == again
    )


def test_it_stages_and_spills_on_the_configured_local_disk(settings, tmp_path):
    from postloan.ingest.stage import Stage

    settings.VAR_DIR = tmp_path / "shared-var"
    settings.POSTLOAN_SCRATCH_DIR = str(tmp_path / "local-disk")
    assert scratch.root() == tmp_path / "local-disk"
    with Stage() as stage:
        spill = stage.con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
        assert stage.workdir.parent == tmp_path / "local-disk"
        assert spill.startswith(str(tmp_path / "local-disk"))
    assert not (tmp_path / "shared-var" / "tmp").exists()
