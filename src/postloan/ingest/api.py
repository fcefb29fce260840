"""The API's import push (`POST /api/imports`, a background import job) and batch reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from ninja import File, Form, Router, Status, UploadedFile
from ninja.errors import HttpError

from postloan.api import schemas as s
from postloan.api.paging import ERRORS, IMPORT_AUTH
from postloan.ingest import uploads
from postloan.ingest.access import can_upload
from postloan.ingest.jobs import import_batch, import_job
from postloan.ingest.models import ImportBatch
from postloan.ops import jobs
from postloan.ops.models import JobProgress

router = Router()

UPLOAD_SUFFIXES = {".csv", ".xlsx", ".parquet", ".zip"}
UPLOAD_FILES = File(..., description="CSV/XLSX/Parquet 文件（文件名为表名）或一个 ZIP 压缩包")
UPLOAD_AS_OF = Form(None, description="数据日期；留空取本批流水/余额的最新日期")


def size_label(limit: int) -> str:
    """A byte limit as a person reads it, never rounded below the truth (2,000,000 ≠ 1 MB)."""
    mib = 1024 * 1024
    if limit % mib == 0:
        return f"{limit // mib} MB"
    return f"{limit:,} 字节（约 {limit / mib:.1f} MB）"


def _check_upload(files: list[UploadedFile]) -> None:
    """Type and size checks before anything is written (the importer re-checks contents)."""
    if not files:
        raise HttpError(422, "请上传数据文件")
    limit = settings.POSTLOAN_API_UPLOAD_MAX_BYTES
    if sum(f.size or 0 for f in files) > limit:
        raise HttpError(413, f"上传文件合计超过上限 {size_label(limit)}")
    zips = 0
    for f in files:
        suffix = Path(f.name or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise HttpError(
                415, f"不支持的文件类型：{f.name}。只接受 CSV、XLSX、Parquet 文件或 ZIP 压缩包。"
            )
        head = f.read(4)
        f.seek(0)
        if suffix in {".zip", ".xlsx"} and head[:2] != b"PK":
            raise HttpError(415, f"文件内容与类型不符：{f.name}")
        if suffix == ".parquet" and head != b"PAR1":
            raise HttpError(415, f"文件内容与类型不符：{f.name}")
        zips += suffix == ".zip"
    if zips and len(files) > 1:
        raise HttpError(422, "上传 ZIP 压缩包时请只上传这一个文件")


def _batch_out(batch, job) -> dict:
    def issues(key):
        rows = (batch.report or {}).get(key, []) if batch else []
        return [
            {
                "level": str(r.get("level", "")),
                "file": str(r.get("file", "")),
                "row": r.get("row") if isinstance(r.get("row"), int) else None,
                "column": str(r.get("column", "")),
                "value": str(r.get("value", "")),
                "reason": str(r.get("reason", "")),
            }
            for r in rows
        ]

    return {
        "batch_id": batch.pk if batch else None,
        "job_id": job.pk if job else None,
        "job_status": job.status if job else "",
        "job_url": reverse("api:get_job", kwargs={"job_id": job.pk}) if job else None,
        "ok": batch.succeeded if batch and batch.outcome != "running" else None,
        "outcome": batch.outcome if batch else None,
        "as_of": batch.as_of if batch else None,
        "rows": batch.rows if batch else 0,
        "error_count": batch.error_count if batch else 0,
        "warning_count": batch.warning_count if batch else 0,
        "errors": issues("errors"),
        "warnings": issues("warnings"),
        "truncated": bool((batch.report or {}).get("truncated")) if batch else False,
    }


@router.post(
    "/imports",
    response={
        200: s.ImportBatchOut,
        202: s.ImportBatchOut,
        413: s.Message,
        415: s.Message,
        422: s.Message,
        **ERRORS,
    },
    tags=["导入"],
    auth=IMPORT_AUTH,
)
def push_import(
    request,
    files: list[UploadedFile] = UPLOAD_FILES,
    as_of: dt.date | None = UPLOAD_AS_OF,
):
    """推送一个导入批次：作为后台任务（数据导入）提交；全部校验通过才写入，否则不写入任何数据
    并返回错误报告。

    任务已结束（立即执行的后端）时返回 200 和导入结果（含 batch_id）；任务排队中（生产环境
    POSTLOAN_TASK_BACKEND=db，由 `postloan db_worker` 执行）时返回 202，凭 job_id 轮询
    job_url（`GET /api/jobs/{job_id}`），结束后其 result.batch_id 即导入批次，
    再查 `GET /api/imports/{batch_id}` 取错误报告。"""
    user = request.auth
    if not can_upload(user):
        raise PermissionDenied("只有系统管理员和风险经理可以导入数据")
    _check_upload(files)
    try:
        folder = uploads.store(files)
    except uploads.UploadRejected as exc:
        raise HttpError(422, str(exc)) from exc
    job = jobs.submit(
        JobProgress.Kind.IMPORT,
        import_job,
        user,
        backend=uploads.queue_for(folder),
        label=f"接口导入 {folder.name}",
        path=str(folder),
        as_of=as_of.isoformat() if as_of else None,
        user_id=user.pk,
    )
    return Status(200 if job.finished else 202, _batch_out(import_batch(job), job))


@router.get(
    "/imports/{batch_id}",
    response={200: s.ImportBatchOut, **ERRORS},
    tags=["导入"],
    auth=IMPORT_AUTH,
)
def get_import(request, batch_id: int):
    if not can_upload(request.auth):
        raise PermissionDenied("只有系统管理员和风险经理可以查看导入批次")
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404("导入批次不存在")
    return _batch_out(batch, None)
