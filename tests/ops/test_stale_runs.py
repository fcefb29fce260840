"""Import batches and screening runs whose process died: found by their heartbeat, closed as
失败 · 已中断 with the reason by `postloan recover-jobs`, and shown so on the pages."""

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from postloan.core.models import AuditEvent
from postloan.ingest.models import ImportBatch
from postloan.ops import stale_runs
from postloan.ops.heartbeat import Heartbeat, beat
from postloan.ops.jobs import worker_name
from postloan.risk.models import ScreeningRun
from tests.factories import AS_OF
from tests.ingest.conftest import write_bank

NOW = timezone.now()
LONG_AGO = NOW - dt.timedelta(minutes=40)


def _batch(**fields):
    values = {"path": "/srv/postloan/var/uploads/x", "started_at": LONG_AGO, **fields}
    return ImportBatch.objects.create(**values)


def _run(**fields):
    run = ScreeningRun.objects.create(as_of=AS_OF, source="cli")
    ScreeningRun.objects.filter(pk=run.pk).update(**{"started_at": LONG_AGO, **fields})
    run.refresh_from_db()
    return run


def test_it_closes_the_batches_whose_heartbeat_stopped(db):
    dead = _batch(worker="worker-1:4242", heartbeat_at=NOW - dt.timedelta(minutes=20))
    never_beat = _batch()  # a row from before heartbeats existed: judged by its start
    alive = _batch(worker="worker-2:7", heartbeat_at=NOW - dt.timedelta(minutes=1))
    finished = _batch(outcome="succeeded", heartbeat_at=LONG_AGO, finished_at=LONG_AGO)

    done = stale_runs.recover_stale_runs(dt.timedelta(minutes=15), now=NOW)

    assert done == {"batches": [dead.pk, never_beat.pk], "screenings": []}
    dead.refresh_from_db()
    assert (dead.outcome, dead.interrupted, dead.finished_at) == ("failed", True, NOW)
    assert dead.error_count == 1 and dead.outcome_label == "已中断"
    assert "worker-1:4242" in dead.interruption and "未写入任何数据" in dead.interruption
    assert timezone.localtime(dead.heartbeat_at).strftime("%H:%M:%S") in dead.interruption
    assert ImportBatch.objects.get(pk=alive.pk).outcome == "running"
    assert ImportBatch.objects.get(pk=finished.pk).outcome == "succeeded"
    audit = AuditEvent.objects.get(action="ops.recover_run", object_id=str(dead.pk))
    assert audit.before["outcome"] == "running" and audit.after["interrupted"] is True
    # a second pass finds nothing more
    assert stale_runs.recover_stale_runs(dt.timedelta(minutes=15), now=NOW) == {
        "batches": [],
        "screenings": [],
    }


def test_it_closes_the_screenings_whose_heartbeat_stopped(db):
    dead = _run(worker="worker-1:99", heartbeat_at=NOW - dt.timedelta(minutes=30))
    alive = _run(heartbeat_at=NOW - dt.timedelta(seconds=30))

    done = stale_runs.recover_stale_runs(dt.timedelta(minutes=15), now=NOW)

    assert done == {"batches": [], "screenings": [dead.pk]}
    dead.refresh_from_db()
    assert (dead.status, dead.interrupted, dead.status_label) == ("failed", True, "已中断")
    assert "worker-1:99" in dead.error and "原有结果不变" in dead.error
    assert ScreeningRun.objects.get(pk=alive.pk).status == "running"


def test_it_leaves_a_run_that_beat_again_before_it_was_locked(db):
    batch = _batch(heartbeat_at=NOW - dt.timedelta(minutes=1))
    cutoff = NOW - dt.timedelta(minutes=15)
    assert not stale_runs.close_interrupted_batch(batch.pk, now=NOW, cutoff=cutoff)
    assert ImportBatch.objects.get(pk=batch.pk).outcome == "running"


def test_the_command_uses_the_setting(db, settings, capsys):
    batch = _batch(heartbeat_at=timezone.now() - dt.timedelta(minutes=8))
    run = _run(heartbeat_at=timezone.now() - dt.timedelta(minutes=8))
    settings.POSTLOAN_STALE_RUN_MINUTES = 10
    call_command("recover-jobs")
    assert ImportBatch.objects.get(pk=batch.pk).outcome == "running"
    settings.POSTLOAN_STALE_RUN_MINUTES = 5
    call_command("recover-jobs")
    out = capsys.readouterr().out
    assert f"已中断的导入批次 1 个：[{batch.pk}]" in out
    assert f"已中断的筛查 1 个：[{run.pk}]" in out
    assert ImportBatch.objects.get(pk=batch.pk).interrupted


def test_the_pages_show_the_interruption(bank, login):
    batch = _batch(worker="worker-1:4242", heartbeat_at=LONG_AGO)
    run = _run(worker="worker-1:99", heartbeat_at=LONG_AGO)
    stale_runs.recover_stale_runs(dt.timedelta(minutes=15))
    client = login(bank.users["rm_branch"])

    listing = client.get("/import/").content.decode()
    assert '<span class="tag tag-bad" title="导入进程已中断（worker-1:4242' in listing
    assert ">已中断</span>" in listing
    detail = client.get(f"/import/{batch.pk}/").content.decode()
    assert '<span class="tag tag-bad">已中断</span>' in detail
    assert "导入进程已中断（worker-1:4242" in detail and "请重新导入" in detail
    assert "请按下表修改文件后重新导入" not in detail  # not a data error

    ScreeningRun.objects.exclude(pk=run.pk).delete()
    page = client.get("/risk/classification/").content.decode()
    assert '<span class="tag tag-bad">已中断</span> 筛查进程已中断（worker-1:99' in page


def test_a_lost_screening_job_closes_its_run_as_interrupted(db):
    from postloan.ops.models import JobProgress
    from postloan.ops.stale_runs import recover_stale_jobs

    JobProgress.objects.create(
        kind="screening",
        status="running",
        attempts=1,
        heartbeat_at=LONG_AGO,
        started_at=LONG_AGO,
        params={"as_of": AS_OF.isoformat()},
        worker="worker-3:5",
    )
    run = _run(worker="worker-3:5", heartbeat_at=LONG_AGO)
    recover_stale_jobs(dt.timedelta(minutes=5), max_attempts=1)
    run.refresh_from_db()
    assert (run.status, run.interrupted) == ("failed", True)
    assert "worker-3:5" in run.error and "原有结果不变" in run.error


def test_an_import_and_a_screening_record_their_process(db, tmp_path):
    from postloan.ingest.service import run_import
    from postloan.risk.actions.screening import run_screening

    result = run_import(write_bank(tmp_path / "bank"))
    assert result.ok
    result.batch.refresh_from_db()
    assert result.batch.worker == worker_name() and result.batch.heartbeat_at is not None
    run = run_screening(result.batch.as_of)
    run.refresh_from_db()
    assert run.worker == worker_name() and run.heartbeat_at is not None
    assert run.status_label == "成功"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_until_stopped(settings):
    settings.POSTLOAN_JOB_HEARTBEAT_SECONDS = 1
    batch = _batch()
    with Heartbeat(batch, outcome="running") as heart:
        first = ImportBatch.objects.get(pk=batch.pk).heartbeat_at
        assert heart.is_alive()
        time.sleep(2.5)
        later = ImportBatch.objects.get(pk=batch.pk).heartbeat_at
    assert later > first
    assert not heart.is_alive()
    time.sleep(1.2)
    assert ImportBatch.objects.get(pk=batch.pk).heartbeat_at == later  # stopped
    with transaction.atomic():  # inside a transaction a beat would hold the row: skipped
        beat(ImportBatch, batch.pk, outcome="running")
        assert ImportBatch.objects.get(pk=batch.pk).heartbeat_at == later
    beat(ImportBatch, batch.pk, outcome="running")
    assert ImportBatch.objects.get(pk=batch.pk).heartbeat_at > later
