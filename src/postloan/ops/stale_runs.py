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

from postloan.core.audit import record


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
    from postloan.ingest.models import ImportBatch

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
    from postloan.risk import choices as ch
    from postloan.risk.models import ScreeningRun

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
    from postloan.ingest.models import ImportBatch
    from postloan.risk import choices as ch
    from postloan.risk.models import ScreeningRun

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
