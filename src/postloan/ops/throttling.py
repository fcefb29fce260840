"""Login throttling: too many failed logins → that login is refused for the rest of the window.

Failures are rows in the database (`LoginFailure`), so every web process behind the load
balancer sees the same count. Three limits within POSTLOAN_LOGIN_WINDOW_MINUTES (15):
5 failures of one user name from one address (POSTLOAN_LOGIN_MAX_FAILURES), 10 of one account
from any address (…_ACCOUNT_MAX_FAILURES), 20 from one address for any user names
(…_ADDRESS_MAX_FAILURES, password spraying). The user name is normalised once
(`postloan.accounts.usernames.normalize_username`: NFKC, trimmed, case-folded) for the
count, the lock and the login itself, so ` member`, `MEMBER` and `ｍｅｍｂｅｒ` are one account.
A successful login clears that name's failures from that address. The middleware refuses a
locked login before the password is even checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from postloan.accounts.authlog import log
from postloan.accounts.models import AuthEvent
from postloan.accounts.usernames import normalize_username
from postloan.core.audit import record
from postloan.core.requests import client_ip
from postloan.ops.models import LoginFailure

LOCKED_MESSAGE = (
    "登录失败次数过多，该账号已在本机暂时锁定，请 {minutes} 分钟后再试或联系系统管理员。"
)
ACCOUNT_LOCKED_MESSAGE = (
    "该账号登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试或联系系统管理员。"
)
ADDRESS_LOCKED_MESSAGE = (
    "本机登录失败次数过多，已暂时禁止从本机登录，请 {minutes} 分钟后再试或联系系统管理员。"
)


def max_failures() -> int:
    return int(getattr(settings, "POSTLOAN_LOGIN_MAX_FAILURES", 5))


def window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "POSTLOAN_LOGIN_WINDOW_MINUTES", 15)))


def account_max_failures() -> int:
    return int(getattr(settings, "POSTLOAN_LOGIN_ACCOUNT_MAX_FAILURES", 10))


def address_max_failures() -> int:
    return int(getattr(settings, "POSTLOAN_LOGIN_ADDRESS_MAX_FAILURES", 20))


def _since():
    return timezone.now() - window()


def recent_failures(username: str, ip: str) -> int:
    """Failures of one (normalised) user name from one address within the window."""
    return LoginFailure.objects.filter(
        username=normalize_username(username), ip=ip, at__gte=_since()
    ).count()


def account_failures(username: str) -> int:
    return LoginFailure.objects.filter(
        username=normalize_username(username), at__gte=_since()
    ).count()


def address_failures(ip: str) -> int:
    return LoginFailure.objects.filter(ip=ip, at__gte=_since()).count()


def lock_message(username: str, ip: str) -> str:
    """Why a login for `username` from `ip` is refused now (Chinese), or "" if it is not."""
    username = normalize_username(username)
    minutes = int(window().total_seconds() // 60)
    if username and recent_failures(username, ip) >= max_failures():
        return LOCKED_MESSAGE.format(minutes=minutes)
    if username and account_failures(username) >= account_max_failures():
        return ACCOUNT_LOCKED_MESSAGE.format(minutes=minutes)
    if ip and address_failures(ip) >= address_max_failures():
        return ADDRESS_LOCKED_MESSAGE.format(minutes=minutes)
    return ""


def is_locked(username: str, ip: str) -> bool:
    return bool(lock_message(username, ip))


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=int(window().total_seconds() // 60))


def _lock_reached(username: str, ip: str) -> str:
    """Which limit this very failure reached (once per lock), or ""."""
    if recent_failures(username, ip) == max_failures():
        return "连续登录失败，账号在本机暂时锁定"
    if account_failures(username) == account_max_failures():
        return "账号登录失败次数过多，账号暂时锁定"
    if ip and address_failures(ip) == address_max_failures():
        return "本机登录失败次数过多，来源地址暂时锁定"
    return ""


@receiver(user_login_failed)
def _on_failed(sender, credentials, request=None, **kwargs):
    username = normalize_username((credentials or {}).get("username"))
    if not username:
        return
    record_failure(username, client_ip(request))


def record_failure(username: str, ip: str) -> None:
    """Count one failed password (a login, or re-entering it to sign) for username + address."""
    username = normalize_username(username)
    LoginFailure.objects.create(username=username[:150], ip=ip)
    reason = _lock_reached(username, ip)
    if reason:
        record(
            actor=None,
            action="ops.login_locked",
            object_type="auth.user",
            object_id=username[:128],
            after={"ip": ip, "failures": max_failures()},
            reason=reason,
        )
    # The counter only needs the window (the login log, accounts.AuthEvent, keeps ≥ 180 days).
    LoginFailure.objects.filter(at__lt=timezone.now() - 4 * window()).delete()


@receiver(user_logged_in)
def _on_success(sender, request=None, user=None, **kwargs):
    if user is not None:
        LoginFailure.objects.filter(
            username=normalize_username(user.get_username()), ip=client_ip(request)
        ).delete()


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
                message = lock_message(username, client_ip(request))
                if message:
                    return self._refuse(request, username, message)
        return self.get_response(request)

    def _refuse(self, request, username: str, message: str):
        log(AuthEvent.Kind.LOCKED, request, username=username, detail=message[:200])
        return render(request, "ops/login_locked.html", {"message": message}, status=429)
