"""The REST API (django-ninja): `/api/…`, OpenAPI at `/api/openapi.json`, docs at `/api/docs`.

One router per app, each in the app's `api.py` (portfolio: customers and loans; risk: signals
and classifications; meetings: meetings and resolutions; ingest: imports; ops: jobs); this
module holds the API itself, its authentication and the error responses they share.

Every read goes through the same visibility helpers as the web pages (postloan.org.visibility,
postloan.risk.access, postloan.meetings.access); every change calls the same action functions,
so the same permission checks, Chinese refusals and audit rows apply.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from postloan.api.auth import ApiTokenAuth, docs_login_required
from postloan.api.models import Scope
from postloan.core.errors import DomainError
from postloan.ingest.api import router as imports
from postloan.meetings.api import router as meetings
from postloan.ops.api import router as jobs
from postloan.portfolio.api import router as portfolio
from postloan.risk.api import router as risk

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


# ─── errors: the same Chinese messages as the web ─────────────────────────────────────────


@api.exception_handler(DomainError)
def _refused(request, exc: DomainError):
    """Every action's refusal (risk, meetings, worklist, reports): its message and field."""
    return api.create_response(request, exc.as_json(), status=exc.status)


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


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return api.create_response(
        request, {"detail": "请求参数不正确", "errors": exc.errors}, status=422
    )


for router in (portfolio, risk, meetings, imports, jobs):
    api.add_router("", router)
