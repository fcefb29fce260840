"""Background jobs as users see them: submit, report progress, finish, and recover lost ones.

submit(kind, task, user, **params) ─► JobProgress(排队中) ─► task.enqueue(job_id, …)
    immediate backend (default, `postloan demo`): runs right here, in this process
    database backend (POSTLOAN_TASK_BACKEND=db): a `postloan db_worker` claims it
running(job_id) inside the task: 运行中 + heartbeat ─► 成功 / 失败 (with the Chinese reason)
ops.stale_runs.recover_stale_jobs(): a job whose heartbeat stopped (worker killed) is
    re-queued while it has attempts left, else marked 失败 — never left 运行中 silently.
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
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tasks import task_backends

from postloan.core.audit import record
from postloan.core.errors import DomainError
from postloan.ops import logs
from postloan.ops.models import JobProgress

log = logging.getLogger(__name__)
Status = JobProgress.Status


def fault_message(exc: BaseException) -> str:
    """What a person reads of a task's unexpected exception: Chinese, with a reference number;
    the traceback is logged under that number (with the job id), never shown. An exception
    that already carries its Chinese message and reference (`ImporterFault`) keeps them, and an
    action's refusal (`DomainError`, e.g. an import path that does not exist) is shown as is."""
    if isinstance(exc, DomainError):  # refused by a rule of the work: its Chinese message
        return exc.message[:2000]
    reference = getattr(exc, "reference", "")
    if reference:
        return str(exc)[:2000]
    reference = logs.fault_reference()
    log.error("后台任务内部出错（参考编号 %s）", reference, exc_info=exc)
    return (
        f"任务内部出错，未完成。请将参考编号 {reference} 告知系统管理员（详细信息已记入服务器日志）"
    )


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
    outer = logs.current_request_id()  # a job run inside a request (immediate backend) keeps it
    rid = f"job-{job_id}" if outer == "-" else f"{outer}:job-{job_id}"
    log_context = (logs.request_id_var.set(rid), logs.user_var.set(by))
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
            status=Status.FAILED, finished_at=timezone.now(), message=fault_message(exc)
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
