"""SIGKILL in the middle of the big write: the database is exactly as before, and
`postloan recover-jobs` then closes the killed batch / run as 失败 · 已中断 with the reason."""

import sqlite3

from tests.reliability.conftest import AS_OF, run_cmd
from tests.reliability.sqlite_state import fingerprint, kill_inside_write_transaction

# The run rows are written outside the data transaction on purpose (a failed run is recorded):
# the import batch, the screening run, and the business day's job and its steps.
RUN_TABLES = ("ingest_importbatch", "risk_screening_runs", "ops_jobprogress", "day_daystep")


def test_it_leaves_the_database_as_before_when_an_import_is_killed(db_copy):
    before = fingerprint(db_copy, skip=RUN_TABLES)
    kill_inside_write_transaction(
        db_copy, "import", str(db_copy.parent / "seed2"), "--as-of", AS_OF
    )
    assert fingerprint(db_copy, skip=RUN_TABLES) == before
    con = sqlite3.connect(db_copy)
    outcomes = [r[0] for r in con.execute("SELECT outcome FROM ingest_importbatch ORDER BY id")]
    con.close()
    assert outcomes == ["succeeded", "running"]  # the killed batch is visible, nothing else
    _assert_recovered(db_copy, "ingest_importbatch", "outcome", "导入进程已中断")
    scratch = db_copy.parent / "var" / "tmp"
    assert list(scratch.glob("import-*"))  # the killed import's stage is left behind…
    # and the database is healthy: the same import now succeeds
    run_cmd(db_copy, "import", str(db_copy.parent / "seed2"), "--as-of", AS_OF)
    assert fingerprint(db_copy, skip=RUN_TABLES) != before
    assert not list(scratch.glob("import-*"))  # …until the next import sweeps it away


def test_it_keeps_the_previous_screening_when_a_screening_is_killed(db_copy):
    run_cmd(db_copy, "import", str(db_copy.parent / "seed2"), "--as-of", AS_OF)  # new data
    before = fingerprint(db_copy, skip=RUN_TABLES)
    # The failpoint holds the data transaction for 60 s: wait for the lock to be held for
    # ≈ 0.5 s, so the short writes before it (the run row, its heartbeats) are not mistaken
    # for it.
    kill_inside_write_transaction(
        db_copy, "screen", "--as-of", AS_OF, failpoint="screening.persisted:60", held_polls=50
    )
    assert fingerprint(db_copy, skip=RUN_TABLES) == before
    con = sqlite3.connect(db_copy)
    statuses = [r[0] for r in con.execute("SELECT status FROM risk_screening_runs ORDER BY id")]
    assert con.execute("SELECT count(*) FROM loan_assessments").fetchone()[0] > 0
    con.close()
    assert statuses[-1] == "running" and statuses[0] == "succeeded"
    _assert_recovered(db_copy, "risk_screening_runs", "status", "筛查进程已中断")
    after = fingerprint(db_copy, skip=(*RUN_TABLES, "core_auditevent"))
    assert after == {t: v for t, v in before.items() if t != "core_auditevent"}


def _assert_recovered(db_file, table, column, reason):
    """The killed process left its run 运行中 with a heartbeat and its worker: recover-jobs
    (every run still running counts as stale with 0 minutes) closes it as interrupted."""
    con = sqlite3.connect(db_file)
    worker, beat = con.execute(
        f"SELECT worker, heartbeat_at FROM {table} WHERE {column} = 'running'"
    ).fetchone()
    con.close()
    assert worker and beat  # the process recorded itself before it was killed
    done = run_cmd(db_file, "recover-jobs", "--stale-run-minutes", "0")
    assert "已中断的" in done.stdout
    con = sqlite3.connect(db_file)
    rows = con.execute(
        f"SELECT {column}, interrupted, finished_at FROM {table} ORDER BY id DESC LIMIT 1"
    ).fetchone()
    detail = con.execute(
        "SELECT reason FROM core_auditevent WHERE action = 'ops.recover_run'"
    ).fetchall()
    con.close()
    assert rows[0] == "failed" and rows[1] == 1 and rows[2] is not None
    assert len(detail) == 1 and reason in detail[0][0] and worker in detail[0][0]
