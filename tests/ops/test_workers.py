"""The database task queue with real `postloan db_worker` processes (on SQLite and PostgreSQL).

Two workers never run the same job; a worker killed mid-job leaves the job visibly 运行中 until
`recover_stale_jobs` re-queues it (then another worker finishes it) or marks it failed.
"""

import datetime as dt
import signal

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from postloan.ops import jobs, stale_runs
from postloan.ops.models import JobProgress
from postloan.ops.tasks import probe_job
from tests.ops.helpers import start, wait_for

WORKER = ("db_worker", "--backend", "db", "--no-startup-delay", "--no-reload", "--interval", "0.05")


def _submit(n: int, seconds: float) -> list[int]:
    return [
        jobs.submit(JobProgress.Kind.PROBE, probe_job, backend="db", seconds=seconds).pk
        for _ in range(n)
    ]


def test_it_never_gives_one_job_to_two_workers(transactional_db):
    ids = _submit(12, 0.05)
    workers = [
        start(*WORKER, "--batch", "--worker-id", f"w{i}", POSTLOAN_TASK_BACKEND="db")
        for i in (1, 2)
    ]
    for w in workers:
        out, _ = w.communicate(timeout=120)
        assert w.returncode == 0, out
    results = list(DBTaskResult.objects.all())
    assert len(results) == 12
    assert all(r.status == "SUCCESSFUL" for r in results)
    assert all(len(r.worker_ids) == 1 for r in results)
    progress = JobProgress.objects.filter(pk__in=ids)
    assert {p.status for p in progress} == {"succeeded"}
    assert {p.attempts for p in progress} == {1}


def test_it_retries_a_killed_workers_job_then_marks_it_failed(transactional_db):
    (job_id,) = _submit(1, 4)

    def kill_while_running(worker_id):
        worker = start(*WORKER, "--worker-id", worker_id, POSTLOAN_TASK_BACKEND="db")
        try:
            running = wait_for(
                lambda: JobProgress.objects.filter(pk=job_id, status="running").exists(), 60
            )
            assert running, "the worker never started the job"
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)

    kill_while_running("first")
    job = JobProgress.objects.get(pk=job_id)
    task = DBTaskResult.objects.get(id=job.task_id)
    assert (job.status, task.status) == ("running", "RUNNING")  # lost, but not silently: visible

    later = dt.timedelta(minutes=10)

    done = stale_runs.recover_stale_jobs(
        dt.timedelta(minutes=5), max_attempts=2, now=timezone.now() + later
    )
    assert done == {"retried": [job_id], "failed": []}
    task.refresh_from_db()
    assert task.status == "READY"
    assert JobProgress.objects.get(pk=job_id).status == "queued"

    kill_while_running("second")
    done = stale_runs.recover_stale_jobs(
        dt.timedelta(minutes=5), max_attempts=2, now=timezone.now() + later
    )
    assert done == {"retried": [], "failed": [job_id]}
    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == "failed" and "中断" in job.message and job.attempts == 2
    assert task.status == "FAILED"


def test_it_finishes_a_retried_job_on_another_worker(transactional_db):
    (job_id,) = _submit(1, 0)
    job = JobProgress.objects.get(pk=job_id)
    # simulate a worker that claimed the job and died before running it
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", worker_ids=["dead"])
    JobProgress.objects.filter(pk=job_id).update(
        status="running", attempts=1, worker="dead:1", heartbeat_at=timezone.now()
    )

    stale_runs.recover_stale_jobs(dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1))
    worker = start(*WORKER, "--batch", POSTLOAN_TASK_BACKEND="db")
    out, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, out
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert DBTaskResult.objects.get(id=job.task_id).worker_ids[0] == "dead"
