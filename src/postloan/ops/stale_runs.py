"""Import batches and screening runs whose process died: found by their heartbeat, closed as
failed (已中断) with the reason, never left 运行中.

    postloan recover-jobs ─► recover_stale_runs(POSTLOAN_STALE_RUN_MINUTES)
        ImportBatch  导入中 and heartbeat older than the limit ─► 失败 · 已中断 · the reason
        ScreeningRun 运行中 and heartbeat older than the limit ─► 失败 · 已中断 · the reason
    (a lost background job closes its own batch / run the same way: ops.jobs)

Both are all-or-nothing (one data transaction each), so a killed one wrote nothing: the reason
says so and asks for a re-run. Every closing writes an audit row (`ops.recover_run`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from postloan.core.audit import record
from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress
from postloan.risk import choices as ch
from postloan.risk.models import ScreeningRun

Status = JobProgress.Status


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "POSTLOAN_STALE_RUN_MINUTES", 15)))


def _last_sign(obj) -> str:
    when = obj.heartbeat_at or obj.started_at
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M:%S") if when else "无"


def batch_reason(batch) -> str:
    return (
        f"导入进程已中断（{batch.worker or '未知进程'}，最后心跳 {_last_sign(batch)}），"
        "本批次未写入任何数据，请重新导入"
    )


def run_reason(run) -> str:
    return (
        f"筛查进程已中断（{run.worker or '未知进程'}，最后心跳 {_last_sign(run)}），"
        "本次筛查未写入结果，原有结果不变，请重新筛查"
    )


def _stale(qs, cutoff):
    return qs.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def _beat_before(obj, cutoff) -> bool:
    when = obj.heartbeat_at or obj.started_at
    return cutoff is None or (when is not None and when < cutoff)


def _close(model, state: str, running: str, failed: str, pk, how, acting_user, now, cutoff):
    """The one closing of a run row: locked, re-checked (still running, still silent since
    `cutoff`), marked failed and interrupted — `how(obj)` records the reason and returns it
    with the fields it set — saved with update_fields, audited. False when the run finished or
    beat meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(pk=pk).first()
        if obj is None or getattr(obj, state) != running or not _beat_before(obj, cutoff):
            return False
        before = {state: running, "worker": obj.worker, "heartbeat_at": _iso(obj)}
        setattr(obj, state, failed)
        obj.interrupted, obj.finished_at = True, now
        reason, fields = how(obj)
        obj.save(update_fields=[state, "interrupted", "finished_at", *fields])
        record(
            actor=acting_user,
            action="ops.recover_run",
            obj=obj,
            before=before,
            after={state: failed, "interrupted": True},
            reason=reason,
        )
    return True


def close_interrupted_batch(
    batch_id: int, reason: str = "", acting_user=None, now=None, cutoff=None
) -> bool:
    """Close a batch still 导入中 (and, given `cutoff`, silent since then) as failed and
    interrupted; False if it has finished or beaten meanwhile."""

    def how(batch):
        text = reason or batch_reason(batch)
        batch.error_count = max(batch.error_count, 1)
        error = {"level": "error", "file": "", "row": None, "column": "", "value": ""}
        batch.report = {"errors": [{**error, "reason": text}], "warnings": []}
        return text, ["error_count", "report"]

    running, failed = ImportBatch.Outcome.RUNNING, ImportBatch.Outcome.FAILED
    return _close(ImportBatch, "outcome", running, failed, batch_id, how, acting_user, now, cutoff)


def close_interrupted_run(
    run_id: int, reason: str = "", acting_user=None, now=None, cutoff=None
) -> bool:
    """Close a screening still 运行中 (and silent since `cutoff`) as failed and interrupted."""

    def how(run):
        run.error = reason or run_reason(run)
        return run.error, ["error"]

    running, failed = ch.RunStatus.RUNNING, ch.RunStatus.FAILED
    return _close(ScreeningRun, "status", running, failed, run_id, how, acting_user, now, cutoff)


def _iso(obj) -> str | None:
    return obj.heartbeat_at.isoformat() if obj.heartbeat_at else None


def recover_stale_runs(
    older_than: dt.timedelta | None = None, acting_user=None, now=None
) -> dict[str, list[int]]:
    """Close every batch and screening still running whose heartbeat is older than
    `older_than` (default POSTLOAN_STALE_RUN_MINUTES). Returns the ids closed."""
    now = now or timezone.now()
    cutoff = now - (older_than if older_than is not None else stale_after())
    done: dict[str, list[int]] = {"batches": [], "screenings": []}
    batches = _stale(ImportBatch.objects.filter(outcome=ImportBatch.Outcome.RUNNING), cutoff)
    for pk in list(batches.order_by("pk").values_list("pk", flat=True)):  # a handful at most
        if close_interrupted_batch(pk, acting_user=acting_user, now=now, cutoff=cutoff):
            done["batches"].append(pk)
    runs = _stale(ScreeningRun.objects.filter(status=ch.RunStatus.RUNNING), cutoff)
    for pk in list(runs.order_by("pk").values_list("pk", flat=True)):
        if close_interrupted_run(pk, acting_user=acting_user, now=now, cutoff=cutoff):
            done["screenings"].append(pk)
    return done


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
    if job.kind == JobProgress.Kind.IMPORT and job.params.get("path"):
        running = ImportBatch.objects.filter(
            path=str(job.params["path"])[:500], outcome=ImportBatch.Outcome.RUNNING
        )
        for batch in running:
            reason = f"{job.message}；本批次未写入任何数据"
            close_interrupted_batch(batch.pk, reason, acting_user, now)
    if job.kind == JobProgress.Kind.SCREENING and job.params.get("as_of"):
        for run in ScreeningRun.objects.filter(as_of=job.params["as_of"], status="running"):
            reason = f"{job.message}；本次筛查未写入结果，原有结果不变"
            close_interrupted_run(run.pk, reason, acting_user, now)
