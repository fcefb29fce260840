"""The 403, 404 and 500 pages: in the app frame (navigation, unit, business date), in Chinese,
with a way back. Set as the URLconf's handler403/handler404/handler500."""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

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
