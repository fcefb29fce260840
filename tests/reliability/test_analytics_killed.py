"""SIGKILL an import after it wrote the analytical copy's new generation, before its commit:
the database *and* the copy the screening reads are as before; the same import then succeeds
and its generation becomes current."""

import json
import shutil
import sqlite3
import subprocess
import time

from tests.ops.helpers import POSTLOAN, command_env
from tests.reliability.conftest import AS_OF, run_cmd
from tests.reliability.sqlite_state import fingerprint, writer_active

RUN_TABLES = ("ingest_importbatch", "risk_screening_runs")


def _generations(db_file):
    con = sqlite3.connect(db_file)
    try:
        return con.execute(
            "SELECT id, token, batch_id FROM analytics_generation ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def _kill_once_prepared(db_file, *args, timeout=300):
    """Run `postloan *args` held at the failpoint after the copy's generation is written
    (inside the data transaction); SIGKILL it once its new manifest is on disk and it still
    holds the write lock."""
    env = command_env(POSTLOAN_VAR_DIR=db_file.parent / "var")
    env["DATABASE_URL"] = f"sqlite:///{db_file}"
    env["POSTLOAN_FAILPOINT"] = "import.analytics_prepared:120"
    folder = db_file.parent / "var" / "analytics"
    known = set(folder.rglob("manifest-*.json"))
    proc = subprocess.Popen(
        [POSTLOAN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            assert proc.poll() is None, proc.stdout.read()
            if set(folder.rglob("manifest-*.json")) - known and writer_active(db_file):
                time.sleep(0.5)  # the generation row is written right after the manifest
                proc.kill()
                return
            time.sleep(0.05)
        raise AssertionError("the import never reached its copy's generation")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_a_killed_import_leaves_the_database_and_the_copy_as_before(db_copy, xs_bank_files):
    # the database's copy came with it (a backup restores both: VAR_DIR/analytics)
    shutil.copytree(xs_bank_files / "var" / "analytics", db_copy.parent / "var" / "analytics")
    assert "分析副本为最新" in run_cmd(db_copy, "analytics", "status").stdout
    generations = _generations(db_copy)
    files_before = {p for p in (db_copy.parent / "var" / "analytics").rglob("*") if p.is_file()}
    before = fingerprint(db_copy, skip=RUN_TABLES)

    _kill_once_prepared(db_copy, "import", str(db_copy.parent / "seed2"), "--as-of", AS_OF)
    assert fingerprint(db_copy, skip=RUN_TABLES) == before
    assert _generations(db_copy) == generations
    files_after = {p for p in (db_copy.parent / "var" / "analytics").rglob("*") if p.is_file()}
    assert files_before <= files_after  # nothing of the current generation was touched…
    orphans = files_after - files_before
    assert any(p.name.startswith("manifest-") for p in orphans)  # …the killed one's are orphans
    status = run_cmd(db_copy, "analytics", "status").stdout
    assert "分析副本为最新" in status and "批次 1" in status

    run_cmd(db_copy, "recover-jobs", "--stale-run-minutes", "0")
    run_cmd(db_copy, "import", str(db_copy.parent / "seed2"), "--as-of", AS_OF)
    after = _generations(db_copy)
    assert len(after) == len(generations) + 1 and after[-1][2] == 3  # batch 3: the re-run
    manifest = next((db_copy.parent / "var" / "analytics").rglob(f"manifest-{after[-1][1]}.json"))
    assert json.loads(manifest.read_text(encoding="utf-8"))["batch_id"] == 3
    assert "分析副本为最新" in run_cmd(db_copy, "analytics", "status").stdout
