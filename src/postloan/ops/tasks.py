"""The background tasks (django-tasks): each wraps an action and reports progress.

Submit them through `postloan.ops.jobs.submit(...)` so the job shows on the 后台任务 page:

    submit("import", import_job, user, path="/data/2026-10-31", as_of="2026-10-31")
    submit("screening", screening_job, user, as_of="2026-10-31")

Who submits what: the upload page (`/import/`) and the API push (`POST /api/imports`) submit
`import_job`; `documents.actions.request_meeting_pack` submits `meeting_pack_job` on commit;
the 后台任务 page submits `screening_job`. None of them runs the work in the web request unless
the task backend is the immediate one (the default for development and tests): with
`POSTLOAN_TASK_BACKEND=db` (production, and `postloan demo` when it serves) a
`postloan db_worker` runs them while the page polls the job (`/ops/jobs/<id>/`,
`GET /api/jobs/{id}`).
"""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django_tasks import task

from postloan.ops.jobs import running, set_progress


def _user(user_id):
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def _date(value):
    return dt.date.fromisoformat(value) if value else None


@task()
def import_job(
    job_id: int, path: str, as_of: str | None = None, user_id=None, source: str = "cli"
) -> dict:
    """数据导入: the importer's all-or-nothing `run_import` (`source`: cli or web)."""
    from postloan.ingest.service import run_import

    with running(job_id) as (_job, outcome):
        set_progress(job_id, 5, "正在读取、校验并写入数据")
        result = run_import(
            path,
            as_of=_date(as_of),
            user=_user(user_id),
            source=source,
            progress=lambda percent, message: set_progress(job_id, percent, message),
        )
        outcome.update(
            ok=result.ok,
            batch_id=result.batch.pk,
            rows=result.batch.rows,
            errors=result.batch.error_count,
            message=(
                f"导入成功：共 {result.batch.rows:,} 行"
                if result.ok
                else f"导入失败：共 {result.batch.error_count} 处错误，未写入任何数据"
            ),
        )
    return {"batch_id": result.batch.pk, "ok": result.ok}


def import_batch(job):
    """The ImportBatch an import job produced: `result["batch_id"]` once it has finished, else
    the batch the importer opened for the job's folder (still running, or crashed before the
    job could record its result); None while the job waits in the queue."""
    from postloan.ingest.models import ImportBatch

    batch_id = (job.result or {}).get("batch_id")
    if batch_id:
        return ImportBatch.objects.filter(pk=batch_id).first()
    path = (job.params or {}).get("path")
    if not path or job.started_at is None:
        return None
    return (
        ImportBatch.objects.filter(path=str(path)[:500], started_at__gte=job.started_at)
        .order_by("-pk")
        .first()
    )


@task()
def screening_job(job_id: int, as_of: str, user_id=None) -> dict:
    """风险预警筛查: replaces that date's results in one transaction."""
    from postloan.risk.actions.screening import run_screening

    with running(job_id) as (_job, outcome):
        set_progress(job_id, 5, "正在筛查")
        run = run_screening(_date(as_of), acting_user=_user(user_id), source="cli")
        outcome.update(run_id=run.pk, counts=run.counts, message=f"筛查完成（{as_of}）")
    return {"run_id": run.pk}


@task()
def meeting_pack_job(job_id: int, pack_job_id: int) -> dict:
    """例会材料生成: runs the documents app's `build_meeting_pack` (its PackJob keeps the
    page-level progress); submitted by `documents.actions.request_meeting_pack` on commit."""
    from postloan.documents.pack import build_meeting_pack

    with running(job_id) as (_job, outcome):
        set_progress(job_id, 10, "正在生成例会材料")
        pack = build_meeting_pack(pack_job_id)
        outcome.update(
            ok=pack.status == "done" or bool(pack.file),
            pack_job_id=pack.pk,
            message=f"例会材料：{pack.get_status_display()}",
        )
    return {"pack_job_id": pack_job_id}


@task()
def reminders_job(job_id: int, as_of: str, user_id=None) -> dict:
    """督办提醒与决议执行核实: the meetings app's `run_verification` for a business date."""
    from postloan.meetings.actions.follow_up import run_verification

    with running(job_id) as (_job, outcome):
        set_progress(job_id, 10, "正在核实决议执行情况")
        counts = run_verification(_date(as_of), acting_user=_user(user_id))
        outcome.update(counts=counts, message=f"决议执行核实完成（{as_of}）")
    return {"counts": counts}


@task()
def probe_job(job_id: int, seconds: float = 0.0) -> dict:
    """工作进程自检: proves a worker picks up jobs (and is used by the reliability tests)."""
    with running(job_id) as (_job, outcome):
        if seconds:
            time.sleep(float(seconds))
        outcome.update(message="自检完成")
    return {"job_id": job_id}
