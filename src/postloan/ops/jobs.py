"""Background jobs as users see them: submit, report progress, finish, and recover lost ones.

submit(kind, task, user, **params) ─► JobProgress(排队中) ─► task.enqueue(job_id, …)
    immediate backend (default, `postloan demo`): runs right here, in this process
    database backend (POSTLOAN_TASK_BACKEND=db): a `postloan db_worker` claims it
running(job_id) inside the task: 运行中 + heartbeat ─► 成功 / 失败 (with the Chinese reason)
recover_stale_jobs(): a job whose heartbeat stopped (worker killed) is re-queued while it
    has attempts left, else marked 失败 — never left 运行中 silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from postloan.core.audit import record
from postloan.ops import logs
from postloan.ops.models import JobProgress

log = logging.getLogger(__name__)
Status = JobProgress.Status


def user_of(user_id):
    """The user a task was submitted by (tasks take ids: their arguments are JSON)."""
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def date_of(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def heartbeat_seconds() -> int:
    return int(getattr(settings, "POSTLOAN_JOB_HEARTBEAT_SECONDS", 30))


def submit(kind: str, task, user=None, label: str = "", backend: str | None = None, **params):
    """Record the job, then hand it to the task framework. Returns the JobProgress row."""
    actor = user if getattr(user, "is_authenticated", False) else None
    job = JobProgress.objects.create(kind=kind, label=label[:200], params=params, created_by=actor)
    record(actor=actor, action="ops.submit_job", obj=job, after={"kind": kind, **params})
    runner = task.using(backend=backend) if backend else task
    result = runner.enqueue(job.pk, **params)
    JobProgress.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def set_progress(job_id: int, progress: int, message: str = "") -> None:
    JobProgress.objects.filter(pk=job_id).update(
        progress=max(0, min(100, int(progress))), message=message, heartbeat_at=timezone.now()
    )


class _Heartbeat(threading.Thread):
    """Refreshes `heartbeat_at` while a job runs in a worker (its own DB connection)."""

    def __init__(self, job_id: int, every: int):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id, self.every, self.stop = job_id, every, threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.wait(self.every):
                try:
                    JobProgress.objects.filter(pk=self.job_id, status=Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # noqa: BLE001 - a busy database only delays the beat
                    log.debug("heartbeat of job %s skipped", self.job_id, exc_info=True)
        finally:
            connection.close()


def _in_worker() -> bool:
    """True inside a database-backed worker (where a killed process must be detectable)."""
    from django_tasks import task_backends

    try:
        backend = task_backends["default"]
    except Exception:  # noqa: BLE001
        return False
    return type(backend).__name__ == "DatabaseBackend"


@contextlib.contextmanager
def running(job_id: int):
    """Mark the job running for the body of a task; record how it ended."""
    now = timezone.now()
    JobProgress.objects.filter(pk=job_id).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        worker=worker_name(),
        message="运行中",
    )
    job = JobProgress.objects.select_related("created_by").get(pk=job_id)
    by = job.created_by.get_username() if job.created_by else "-"
    log_context = (logs.request_id_var.set(f"job-{job_id}"), logs.user_var.set(by))
    beat = None
    every = heartbeat_seconds()
    if every > 0 and _in_worker():
        beat = _Heartbeat(job_id, every)
        beat.start()
    outcome: dict = {}
    try:
        yield job, outcome
    except BaseException as exc:
        JobProgress.objects.filter(pk=job_id).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            message=f"任务出错：{exc}"[:2000] or "任务出错",
        )
        raise
    else:
        ok = outcome.pop("ok", True)
        JobProgress.objects.filter(pk=job_id).update(
            status=Status.SUCCEEDED if ok else Status.FAILED,
            finished_at=timezone.now(),
            progress=100,
            result=outcome,
            message=outcome.get("message", "已完成" if ok else "未成功"),
        )
    finally:
        if beat is not None:
            beat.stop.set()
        logs.request_id_var.reset(log_context[0])
        logs.user_var.reset(log_context[1])


def recover_stale_jobs(
    stale_after: dt.timedelta, max_attempts: int = 2, acting_user=None, now=None
) -> dict[str, list[int]]:
    """Jobs still 运行中 whose heartbeat is older than `stale_after`: their worker is gone.

    With the database backend the task row is put back to READY (another worker retries it)
    while the job has fewer than `max_attempts` attempts; otherwise both are marked failed.
    Imports and screenings are all-or-nothing, so a retry never doubles data.
    """
    now = now or timezone.now()
    cutoff = now - stale_after
    stale = JobProgress.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    done: dict[str, list[int]] = {"retried": [], "failed": []}
    for job_id in list(stale.values_list("pk", flat=True)):  # a handful of rows at most
        with transaction.atomic():
            job = JobProgress.objects.select_for_update().get(pk=job_id)
            if job.status != Status.RUNNING:
                continue
            db_task = _db_task(job.task_id)
            before = {"status": job.status, "attempts": job.attempts, "worker": job.worker}
            if db_task is not None and job.attempts < max_attempts:
                db_task.status = "READY"
                db_task.started_at = None
                db_task.save(update_fields=["status", "started_at"])
                job.status = Status.QUEUED
                job.message = (
                    f"工作进程（{job.worker}）中断，第 {job.attempts} 次执行未完成，已重新排队"
                )
                done["retried"].append(job.pk)
            else:
                if db_task is not None:
                    db_task.set_failed(WorkerLost(job.worker))
                job.status = Status.FAILED
                job.finished_at = now
                job.message = (
                    f"工作进程（{job.worker}）中断，已执行 {job.attempts} 次仍未完成，"
                    "任务标记为失败，请检查后重新提交"
                )
                done["failed"].append(job.pk)
            job.save(update_fields=["status", "message", "finished_at"])
            _close_interrupted_runs(job, now, acting_user)
            record(
                actor=acting_user,
                action="ops.recover_job",
                obj=job,
                before=before,
                after={"status": job.status, "message": job.message},
            )
    return done


class WorkerLost(RuntimeError):
    def __init__(self, worker: str):
        super().__init__(f"工作进程中断：{worker}")


def _db_task(task_id: str):
    if not task_id:
        return None
    return DBTaskResult.objects.select_for_update().filter(id=task_id, status="RUNNING").first()


def _close_interrupted_runs(job: JobProgress, now, acting_user=None) -> None:
    """The importer's and the screening's own run rows of a lost job: closed as 已中断
    (ops.stale_runs), not left 运行中."""
    from postloan.ops import stale_runs

    if job.kind == JobProgress.Kind.IMPORT and job.params.get("path"):
        from postloan.ingest.models import ImportBatch

        running = ImportBatch.objects.filter(
            path=str(job.params["path"])[:500], outcome=ImportBatch.Outcome.RUNNING
        )
        for batch in running:
            reason = f"{job.message}；本批次未写入任何数据"
            stale_runs.close_interrupted_batch(batch.pk, reason, acting_user, now)
    if job.kind == JobProgress.Kind.SCREENING and job.params.get("as_of"):
        from postloan.risk.models import ScreeningRun

        for run in ScreeningRun.objects.filter(as_of=job.params["as_of"], status="running"):
            reason = f"{job.message}；本次筛查未写入结果，原有结果不变"
            stale_runs.close_interrupted_run(run.pk, reason, acting_user, now)
