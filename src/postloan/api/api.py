"""The REST API (django-ninja): `/api/…`, OpenAPI at `/api/openapi.json`, docs at `/api/docs`.

Every read goes through the same visibility helpers as the web pages (postloan.org.visibility,
postloan.risk.access, postloan.meetings.access); every change calls the same action functions,
so the same permission checks, Chinese refusals and audit rows apply.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from ninja import File, Form, NinjaAPI, Query, Status, UploadedFile
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from postloan.api import schemas as s
from postloan.api.auth import ApiTokenAuth, docs_login_required
from postloan.api.models import Scope
from postloan.org.visibility import get_customer_for_user, visible_customers
from postloan.risk.errors import TransitionError

api = NinjaAPI(
    title="贷后通 PostLoan API",
    version="1.0",
    description=(
        "贷后管理系统接口。认证：`Authorization: Bearer <令牌>`（`postloan api-token create 用户名`"
        " 生成）。可见范围与网页一致：客户经理只见自己管户的客户，支行只见本支行，分行见辖内。"
        "金额单位：元（十进制字符串）。令牌有权限范围（read 查询、import 数据导入、signals 预警处置）"
        "和有效期；本文档需登录后查看。"
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(Scope.READ), django_auth],
    docs_decorator=docs_login_required,
)
IMPORT_AUTH = [ApiTokenAuth(Scope.IMPORT), django_auth]
SIGNALS_AUTH = [ApiTokenAuth(Scope.SIGNALS), django_auth]

Limit = Query(50, ge=1, le=500, description="每页条数（1–500）")
Offset = Query(0, ge=0, le=10_000_000, description="跳过条数")


# ─── errors: the same Chinese messages as the web ─────────────────────────────────────────


@api.exception_handler(TransitionError)
def _transition(request, exc: TransitionError):
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=409)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行该操作"}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "不存在或无权查看"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return api.create_response(request, {"detail": "未认证：请提供有效的接口令牌"}, status=401)


@api.exception_handler(DataError)
def _bad_data(request, exc):
    # e.g. a NUL byte in a parameter: PostgreSQL refuses it; never a 500
    return api.create_response(request, {"detail": "请求参数含有无法处理的字符"}, status=422)


def _reject_nul(**values) -> None:
    for name, value in values.items():
        if isinstance(value, str) and "\x00" in value:
            raise HttpError(422, f"参数 {name} 含有非法字符")


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return api.create_response(
        request, {"detail": "请求参数不正确", "errors": exc.errors}, status=422
    )


def _page(qs, limit: int, offset: int) -> dict:
    return {"count": qs.count(), "items": list(qs[offset : offset + limit])}


class Page(s.Schema):
    count: int


class CustomerPage(Page):
    items: list[s.CustomerOut]


class LoanPage(Page):
    items: list[s.LoanOut]


class SignalPage(Page):
    items: list[s.SignalOut]


class AssessmentPage(Page):
    items: list[s.AssessmentOut]


class MeetingPage(Page):
    items: list[s.MeetingOut]


class ResolutionPage(Page):
    items: list[s.ResolutionOut]


ERRORS = {401: s.Message, 403: s.Message, 404: s.Message}


# ─── customers and loans ──────────────────────────────────────────────────────────────────


@api.get("/customers", response={200: CustomerPage, 401: s.Message}, tags=["客户"])
def list_customers(
    request,
    q: str = Query("", max_length=100, description="客户名称或编号（包含）"),
    limit: int = Limit,
    offset: int = Offset,
):
    """客户列表（仅本人可见范围）。"""
    from django.db.models import Q

    _reject_nul(q=q)
    qs = visible_customers(request.auth).select_related("branch", "manager").order_by("pk")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(customer_id__contains=q))
    return _page(qs, limit, offset)


@api.get("/customers/{customer_id}", response={200: s.CustomerOut, **ERRORS}, tags=["客户"])
def get_customer(request, customer_id: str):
    _reject_nul(customer_id=customer_id)
    customer = get_customer_for_user(request.auth, customer_id)
    return customer


@api.get("/loans", response={200: LoanPage, 401: s.Message}, tags=["借据"])
def list_loans(
    request,
    customer_id: str = Query("", max_length=40),
    limit: int = Limit,
    offset: int = Offset,
):
    """借据列表（仅本人可见范围的客户）。"""
    from postloan.risk.access import visible_loans

    _reject_nul(customer_id=customer_id)
    qs = visible_loans(request.auth).order_by("pk")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return _page(qs, limit, offset)


@api.get("/loans/{loan_id}", response={200: s.LoanOut, **ERRORS}, tags=["借据"])
def get_loan(request, loan_id: str):
    from postloan.risk.access import get_loan_for_user

    _reject_nul(loan_id=loan_id)
    return get_loan_for_user(request.auth, loan_id)


# ─── early-warning signals ────────────────────────────────────────────────────────────────


@api.get("/signals", response={200: SignalPage, 401: s.Message}, tags=["预警"])
def list_signals(
    request,
    status: str = Query(
        "", max_length=16, description="issued/handling/feedback/confirmed/released"
    ),
    level: str = Query("", max_length=8, description="red/orange/yellow"),
    customer_id: str = Query("", max_length=40),
    limit: int = Limit,
    offset: int = Offset,
):
    from postloan.risk.access import visible_signals

    _reject_nul(status=status, level=level, customer_id=customer_id)
    qs = visible_signals(request.auth).order_by("-raised_on", "-pk")
    for field, value in (("status", status), ("level", level), ("customer_id", customer_id)):
        if value:
            qs = qs.filter(**{field: value})
    return _page(qs, limit, offset)


@api.get("/signals/{signal_id}", response={200: s.SignalOut, **ERRORS}, tags=["预警"])
def get_signal(request, signal_id: int):
    from postloan.risk.access import get_signal_for_user

    return get_signal_for_user(request.auth, signal_id)


@api.post(
    "/signals/{signal_id}/transitions",
    response={200: s.SignalOut, 409: s.Message, 422: s.Message, **ERRORS},
    tags=["预警"],
    auth=SIGNALS_AUTH,
)
def transition_signal(request, signal_id: int, body: s.SignalTransitionIn):
    """推进预警闭环：处置（start_handling）→ 反馈（submit_feedback）→ 认定（confirm）→ 消除
    （release）。不允许的状态变化返回 409，无权限返回 403，均附中文说明。"""
    from postloan.org.models import Staff
    from postloan.risk.access import get_signal_for_user
    from postloan.risk.actions import signals as actions

    user = request.auth
    signal = get_signal_for_user(user, signal_id)
    if body.action == "start_handling":
        owner = None
        if body.owner_staff_id:
            owner = Staff.objects.filter(pk=body.owner_staff_id).first()
            if owner is None:
                raise TransitionError("责任人不存在", "owner_staff_id")
        return actions.start_handling(signal, owner, body.measures, body.due_date, user)
    if body.action == "submit_feedback":
        return actions.submit_feedback(signal, body.note, body.evidence, user)
    if body.action == "confirm":
        return actions.confirm_signal(signal, body.real_risk, body.level, body.note, user)
    return actions.release_signal(signal, body.reason, body.evidence, user)


# ─── classifications (LoanAssessment) ─────────────────────────────────────────────────────


@api.get("/classifications", response={200: AssessmentPage, 401: s.Message}, tags=["分类"])
def list_classifications(
    request,
    as_of: dt.date | None = None,
    customer_id: str = Query("", max_length=40),
    status: str = Query("", max_length=16),
    limit: int = Limit,
    offset: int = Offset,
):
    """五级分类（每笔借据每个业务日期一条：系统建议、初分、认定）。"""
    from postloan.risk.access import visible_assessments

    _reject_nul(customer_id=customer_id, status=status)
    qs = visible_assessments(request.auth).order_by("-as_of", "loan_id")
    if as_of:
        qs = qs.filter(as_of=as_of)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    return _page(qs, limit, offset)


@api.get(
    "/classifications/{assessment_id}", response={200: s.AssessmentOut, **ERRORS}, tags=["分类"]
)
def get_classification(request, assessment_id: int):
    from postloan.risk.access import visible_assessments

    a = visible_assessments(request.auth).filter(pk=assessment_id).first()
    if a is None:
        raise Http404(gettext("分类记录不存在或无权查看"))
    return a


# ─── meetings and resolutions ─────────────────────────────────────────────────────────────


@api.get("/meetings", response={200: MeetingPage, 401: s.Message}, tags=["例会"])
def list_meetings(request, limit: int = Limit, offset: int = Offset):
    from postloan.meetings.access import visible_meetings

    return _page(visible_meetings(request.auth).order_by("-date", "-pk"), limit, offset)


@api.get("/meetings/{meeting_id}", response={200: s.MeetingDetailOut, **ERRORS}, tags=["例会"])
def get_meeting(request, meeting_id: int):
    from postloan.meetings import access

    meeting = access.get_meeting(request.auth, meeting_id)
    meeting.visible_agenda = list(access.visible_items(request.auth, meeting))
    return meeting


def _visible_resolutions(user):
    from postloan.meetings.access import readable_resolutions

    return readable_resolutions(user).select_related("meeting", "amendment")


@api.get("/resolutions", response={200: ResolutionPage, 401: s.Message}, tags=["例会"])
def list_resolutions(
    request,
    meeting_id: int | None = None,
    customer_id: str = Query("", max_length=40),
    limit: int = Limit,
    offset: int = Offset,
):
    """例会决议（本人负责的，及本人可见例会的）。"""
    _reject_nul(customer_id=customer_id)
    qs = _visible_resolutions(request.auth).order_by("deadline", "pk")
    if meeting_id is not None:
        qs = qs.filter(meeting_id=meeting_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return _page(qs, limit, offset)


@api.get("/resolutions/{resolution_id}", response={200: s.ResolutionOut, **ERRORS}, tags=["例会"])
def get_resolution(request, resolution_id: int):
    res = _visible_resolutions(request.auth).filter(pk=resolution_id).first()
    if res is None:
        raise Http404(gettext("决议不存在或无权查看"))
    return res


# ─── imports and jobs ─────────────────────────────────────────────────────────────────────

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


@api.post(
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
    from postloan.ingest import uploads
    from postloan.ingest.views import can_upload
    from postloan.ops import jobs
    from postloan.ops.models import JobProgress
    from postloan.ops.tasks import import_batch, import_job

    user = request.auth
    if not can_upload(user):
        raise PermissionDenied(gettext("只有系统管理员和风险经理可以导入数据"))
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


@api.get(
    "/imports/{batch_id}",
    response={200: s.ImportBatchOut, **ERRORS},
    tags=["导入"],
    auth=IMPORT_AUTH,
)
def get_import(request, batch_id: int):
    from postloan.ingest.models import ImportBatch
    from postloan.ingest.views import can_upload

    if not can_upload(request.auth):
        raise PermissionDenied(gettext("只有系统管理员和风险经理可以查看导入批次"))
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404(gettext("导入批次不存在"))
    return _batch_out(batch, None)


@api.get("/jobs/{job_id}", response={200: s.JobOut, **ERRORS}, tags=["后台任务"])
def get_job(request, job_id: int):
    """一个后台任务的状态与进度（排队中 queued / 运行中 running / 成功 succeeded / 失败
    failed）。本人提交的任务可查；系统管理员和风险管理部门可查全部。数据导入任务结束后
    batch_id 为导入批次编号。"""
    from postloan.ops.models import JobProgress
    from postloan.ops.tasks import import_batch
    from postloan.ops.views import get_job_for_user

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
