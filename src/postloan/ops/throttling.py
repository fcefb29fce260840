"""Login throttling: too many failed logins for one username from one address → locked.

Failures are rows in the database (`LoginFailure`), so every web process behind the load
balancer sees the same count. Defaults: 5 failures within 15 minutes lock that username from
that address for the rest of the window (settings POSTLOAN_LOGIN_MAX_FAILURES /
POSTLOAN_LOGIN_WINDOW_MINUTES). A successful login clears the username's failures from that
address. The middleware refuses a locked login before the password is even checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from postloan.core.audit import record
from postloan.ops.models import LoginFailure

LOCKED_MESSAGE = (
    "登录失败次数过多，该账号已在本机暂时锁定，请 {minutes} 分钟后再试或联系系统管理员。"
)


def max_failures() -> int:
    return int(getattr(settings, "POSTLOAN_LOGIN_MAX_FAILURES", 5))


def window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "POSTLOAN_LOGIN_WINDOW_MINUTES", 15)))


def client_ip(request) -> str:
    """The peer address; behind a proxy, the first X-Forwarded-For hop if the proxy is trusted."""
    if request is None:
        return ""
    if getattr(settings, "POSTLOAN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return (request.META.get("REMOTE_ADDR") or "")[:64]


def recent_failures(username: str, ip: str) -> int:
    since = timezone.now() - window()
    return LoginFailure.objects.filter(username=username, ip=ip, at__gte=since).count()


def is_locked(username: str, ip: str) -> bool:
    return bool(username) and recent_failures(username, ip) >= max_failures()


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=int(window().total_seconds() // 60))


@receiver(user_login_failed)
def _on_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    if not username:
        return
    record_failure(username, client_ip(request))


def record_failure(username: str, ip: str) -> None:
    """Count one failed password (a login, or re-entering it to sign) for username + address."""
    LoginFailure.objects.create(username=username[:150], ip=ip)
    if recent_failures(username, ip) == max_failures():
        record(
            actor=None,
            action="ops.login_locked",
            object_type="auth.user",
            object_id=username[:128],
            after={"ip": ip, "failures": max_failures()},
            reason="连续登录失败，账号暂时锁定",
        )
    # Old rows are of no further use: keep the table small.
    LoginFailure.objects.filter(at__lt=timezone.now() - 4 * window()).delete()


@receiver(user_logged_in)
def _on_success(sender, request=None, user=None, **kwargs):
    if user is not None:
        LoginFailure.objects.filter(username=user.get_username(), ip=client_ip(request)).delete()


def _login_paths() -> set[str]:
    paths = {reverse("login")}
    with contextlib.suppress(Exception):  # no admin site
        paths.add(reverse("admin:login"))
    return paths


class LoginThrottleMiddleware:
    """Refuse a POST to a login page while the username is locked for this address (429)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths: set[str] | None = None

    def __call__(self, request):
        if request.method == "POST":
            if self._paths is None:
                self._paths = _login_paths()
            if request.path in self._paths:
                username = request.POST.get("username", "")
                if is_locked(username, client_ip(request)):
                    return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request):
        from django.shortcuts import render

        return render(request, "ops/login_locked.html", {"message": locked_message()}, status=429)
