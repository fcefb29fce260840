"""The API's background jobs (`GET /api/jobs/{id}`)."""

from __future__ import annotations

from ninja import Router

from postloan.api import schemas as s
from postloan.api.paging import ERRORS
from postloan.ingest.jobs import import_batch
from postloan.ops.access import get_job_for_user
from postloan.ops.models import JobProgress

router = Router()


@router.get("/jobs/{job_id}", response={200: s.JobOut, **ERRORS}, tags=["后台任务"])
def get_job(request, job_id: int):
    """一个后台任务的状态与进度（排队中 queued / 运行中 running / 成功 succeeded / 失败
    failed）。本人提交的任务可查；系统管理员和风险管理部门可查全部。数据导入任务结束后
    batch_id 为导入批次编号。"""

    job = get_job_for_user(request.auth, job_id)
    batch = import_batch(job) if job.kind == JobProgress.Kind.IMPORT and job.finished else None
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "label": job.label,
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.finished,
        "progress": job.progress,
        "message": job.message,
        "result": job.result,
        "attempts": job.attempts,
        "batch_id": batch.pk if batch else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
