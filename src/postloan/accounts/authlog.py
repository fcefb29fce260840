"""The login log (登录日志): every login, logout, failed or refused login, timeout and password
change, kept at least 180 days (POSTLOAN_AUTH_LOG_DAYS) for the auditors' page."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from postloan.accounts.models import AuthEvent
from postloan.accounts.passwords import change_required
from postloan.accounts.usernames import find_user, normalize_username
from postloan.core.requests import client_ip

MIN_RETENTION_DAYS = 180
SESSION_CHANGE_REQUIRED = "postloan_password_change_required"
SESSION_LAST_SEEN = "postloan_last_seen"


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "POSTLOAN_AUTH_LOG_DAYS", 180)))


def log(kind: str, request=None, *, username: str = "", user=None, detail: str = "") -> AuthEvent:
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return AuthEvent.objects.create(
        kind=kind,
        username=normalize_username(username or (user.get_username() if user else "")),
        user=user if getattr(user, "pk", None) else None,
        ip=client_ip(request),
        user_agent=agent[:200],
        detail=detail[:200],
    )


def prune() -> int:
    """Drop log rows older than the retention (never fewer than 180 days)."""
    cutoff = timezone.now() - dt.timedelta(days=retention_days())
    return AuthEvent.objects.filter(at__lt=cutoff).delete()[0]


@receiver(user_logged_in)
def _logged_in(sender, request=None, user=None, **kwargs):
    if user is None:
        return
    log(AuthEvent.Kind.LOGIN, request, user=user)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LAST_SEEN] = int(time.time())
        reason = change_required(user)
        if reason:
            request.session[SESSION_CHANGE_REQUIRED] = reason
        else:
            request.session.pop(SESSION_CHANGE_REQUIRED, None)
    prune()


@receiver(user_logged_out)
def _logged_out(sender, request=None, user=None, **kwargs):
    if user is None:
        return
    timed_out = getattr(request, "_postloan_idle_timeout", False)
    kind = AuthEvent.Kind.TIMEOUT if timed_out else AuthEvent.Kind.LOGOUT
    log(kind, request, user=user)


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):
    raw = (credentials or {}).get("username") or ""
    if not normalize_username(raw):
        return
    user = find_user(raw)
    detail = "密码错误或账号停用" if user is not None else "用户名不存在"
    log(AuthEvent.Kind.FAILED, request, username=raw, user=user, detail=detail)
