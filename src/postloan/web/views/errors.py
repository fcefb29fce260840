"""The error pages: in the app frame (navigation, unit, business date), in Chinese, with a way
back. 400/403/404/500 are the URLconf's handlers; a refused CSRF check is CSRF_FAILURE_VIEW
(`csrf_failure`); a 405 (a GET to a form's action, say) is drawn by `ErrorPageMiddleware`,
since Django answers it with an empty body, and so is a `DomainError` no view caught (409)."""

import logging

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from postloan.core.errors import DomainError

log = logging.getLogger(__name__)


def _message(exception) -> str:
    """The reason an action gave for refusing (PermissionDenied("只有…")) — never a code."""
    text = str(exception or "").strip()
    if not text or not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return ""  # Django's own English texts ("No Customer matches the given query.")
    return text


def permission_denied(request, exception=None):
    context = {
        "status": 403,
        "heading": _("没有权限"),
        "explanation": _("您的角色不能查看或办理此页面的内容。如需办理，请联系所属机构的管理员。"),
        "message": _message(exception),
    }
    return render(request, "_error.html", context, status=403)


def bad_request(request, exception=None):
    """400: a request Django refused before any view (a forged Host, too many fields …)."""
    context = {
        "status": 400,
        "heading": _("请求无法处理"),
        "explanation": _(
            "浏览器发来的请求不完整或不符合要求，系统未作任何处理。请返回上一页重新操作。"
        ),
    }
    return _render_safely(request, context, 400)


def csrf_failure(request, reason=""):
    """403 of the CSRF check (CSRF_FAILURE_VIEW): most often a form left open across a login,
    a logout or the idle timeout, or a browser that keeps no cookies. Nothing was saved."""
    log.warning("CSRF 校验未通过：%s %s（%s）", request.method, request.path, reason)
    context = {
        "status": 403,
        "heading": _("安全校验未通过，本次提交未被处理"),
        "explanation": _(
            "页面打开时间过长、期间重新登录或退出过，或浏览器禁用了 Cookie，都会使页面的安全校验失效。"
            "为保护您的数据，本次提交没有保存任何内容。请重新打开此页面，再提交一次。"
        ),
        "retry_url": request.path if request.path.startswith("/") else "",
    }
    return _render_safely(request, context, 403)


def method_not_allowed(request):
    context = {
        "status": 405,
        "heading": _("不能这样打开此页面"),
        "explanation": _(
            "此地址只接受页面上的按钮或表单提交，不能直接在地址栏打开。请返回上一页，从页面上的按钮办理。"
        ),
    }
    return _render_safely(request, context, 405)


def _render_safely(request, context: dict, status: int):
    try:
        return render(request, "_error.html", context, status=status)
    except Exception:  # noqa: BLE001 - an error page must not fail (the frame reads the DB)
        log.exception("%s 页面无法在框架内显示", status)
        return HttpResponse(loader.get_template("500_fallback.html").render(), status=status)


class ErrorPageMiddleware:
    """Last in MIDDLEWARE: Django's empty-bodied 405 (require_POST, require_GET) answered with
    the framed page for a person's browser; the API's answers are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and not request.path.startswith("/api/")
        ):
            framed = method_not_allowed(request)
            if response.has_header("Allow"):
                framed["Allow"] = response["Allow"]
            return framed
        return response

    def process_exception(self, request, exception):
        """An action's refusal no view caught (`DomainError`: no business date set yet, say) —
        the framed page with its Chinese message, not a 500; the API has its own handler."""
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return refused_page(request, exception)
        return None


def refused_page(request, exception: DomainError):
    context = {
        "status": exception.status,
        "heading": _("无法办理"),
        "explanation": _("系统按业务规则拒绝了此操作或页面，原因如下。"),
        "message": exception.message,
    }
    return _render_safely(request, context, exception.status)


def page_not_found(request, exception=None):
    context = {
        "status": 404,
        "heading": _("页面不存在"),
        "explanation": _("您要找的页面或记录不存在，或不在您可查看的范围内。"),
        "message": _message(exception),
    }
    return render(request, "_error.html", context, status=404)


def server_error(request):
    """A 500 in the frame when the frame can still be drawn; a plain page when it cannot (the
    shell's context reads the database, which may be what failed)."""
    context = {
        "status": 500,
        "heading": _("系统出错"),
        "explanation": _(
            "处理您的请求时系统出错，已记录在服务器日志中。请稍后重试；如仍出错，请联系系统管理员。"
        ),
    }
    try:
        return render(request, "_error.html", context, status=500)
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        log.exception("500 页面无法在框架内显示")
        return HttpResponseServerError(loader.get_template("500_fallback.html").render())
