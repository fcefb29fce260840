"""The importer's background job (django-tasks), submitted through `ops.jobs.submit` by the
upload page (`/import/`) and the API push (`POST /api/imports`)."""

from __future__ import annotations

from django_tasks import task

from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.ops.jobs import date_of, running, set_progress, user_of


@task()
def import_job(
    job_id: int, path: str, as_of: str | None = None, user_id=None, source: str = "cli"
) -> dict:
    """数据导入: the importer's all-or-nothing `run_import` (`source`: cli or web); the business
    day follows the committed batch in this same job (`postloan.day`)."""
    with running(job_id) as (_job, outcome):
        set_progress(job_id, 5, "正在读取、校验并写入数据")
        result = run_import(
            path,
            as_of=date_of(as_of),
            user=user_of(user_id),
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
