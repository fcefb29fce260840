"""The password change page (also where a required change leads) and the login log."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from postloan.accounts.authlog import SESSION_CHANGE_REQUIRED, log
from postloan.accounts.forms import PasswordChangeForm
from postloan.accounts.models import AuthEvent
from postloan.accounts.passwords import password_changed_by_user
from postloan.accounts.usernames import normalize_username
from postloan.core.tables import DATETIME, TEXT, Column
from postloan.documents import list_export
from postloan.ops.access import can_read_audit
from postloan.web.labels import person_name


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    required = request.session.get(SESSION_CHANGE_REQUIRED, "")
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            password_changed_by_user(user)
            log(AuthEvent.Kind.PASSWORD_CHANGED, request, user=user)
        update_session_auth_hash(request, user)
        request.session.pop(SESSION_CHANGE_REQUIRED, None)
        messages.success(request, gettext("密码已修改。"))
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "required": required, "next": _next_url(request)},
    )


def _auth_events(request):
    """The login log filtered as the page asks: (events, the filters in words)."""
    if not can_read_audit(request.user):
        raise PermissionDenied(gettext("只有内控/审计人员和系统管理员可以查看登录日志"))
    events = AuthEvent.objects.select_related("user__staff")
    shown = {}
    username = normalize_username(request.GET.get("username", ""))
    if username:
        events = events.filter(username__startswith=username)
        shown["用户名"] = username
    kind = request.GET.get("kind", "")
    if kind in AuthEvent.Kind.values:
        events = events.filter(kind=kind)
        shown["事件"] = AuthEvent.Kind(kind).label
    ip = request.GET.get("ip", "").strip()
    if ip:
        events = events.filter(ip__startswith=ip)
        shown["来源地址"] = ip
    since, until = _day(request.GET.get("since", "")), _day(request.GET.get("until", ""))
    if since:
        events = events.filter(at__date__gte=since)
        shown["起始日期"] = f"{since:%Y-%m-%d}"
    if until:
        events = events.filter(at__date__lte=until)
        shown["截止日期"] = f"{until:%Y-%m-%d}"
    return events, shown


AUTH_LOG_SHEET = [
    Column("时间", DATETIME, 17),
    Column("姓名", TEXT, 10),
    Column("用户名", TEXT, 14),
    Column("事件", TEXT, 10),
    Column("来源地址", TEXT, 14),
    Column("说明", TEXT, 30),
    Column("客户端", TEXT, 40),
]


@login_required
@require_GET
def auth_log_export(request):
    """The login log as filtered on the page, for the auditors' working papers."""
    events, shown = _auth_events(request)

    def rows():
        for e in events.iterator(chunk_size=2000):
            name = person_name(e.user) if e.user else "（系统中无此用户名）"
            yield [e.at, name, e.username, e.get_kind_display(), e.ip, e.detail, e.user_agent]

    return list_export.respond("登录日志", AUTH_LOG_SHEET, rows(), shown)


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


@login_required
@require_GET
def auth_log(request):
    """登录日志 for the auditors (and system administrators), newest first."""
    events, _ = _auth_events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/auth_log.html",
        {
            "page": page,
            "filters": request.GET,
            "kinds": AuthEvent.Kind.choices,
            "query": query.urlencode(),
        },
    )
