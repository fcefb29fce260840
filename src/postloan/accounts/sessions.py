"""Session controls: the idle timeout, and the forced password change before any work."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from postloan.accounts.authlog import SESSION_CHANGE_REQUIRED, SESSION_LAST_SEEN

# The last-seen time is written back at most this often (not a session save per request).
LAST_SEEN_RESOLUTION = 30


def idle_seconds() -> int:
    return int(getattr(settings, "POSTLOAN_SESSION_IDLE_MINUTES", 30)) * 60


def _go_to(request, url: str):
    """A redirect; for an HTMX request the header that makes HTMX load the whole page."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_next(name: str, request) -> str:
    return reverse(name) + "?" + urlencode({"next": request.get_full_path()})


class IdleTimeoutMiddleware:
    """Log a signed-in person out after POSTLOAN_SESSION_IDLE_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(SESSION_LAST_SEEN)
            limit = idle_seconds()
            if limit and last is not None and now - int(last) > limit:
                request._postloan_idle_timeout = True
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "长时间未操作，登录已超时，请重新登录"}, status=401
                    )
                messages.warning(
                    request,
                    gettext("超过 %(minutes)s 分钟未操作，已自动退出，请重新登录。")
                    % {"minutes": limit // 60},
                )
                return _go_to(request, _with_next("login", request))
            if last is None or now - int(last) >= LAST_SEEN_RESOLUTION:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Until a required password change is done, every page leads to the change form."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_CHANGE_REQUIRED):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and not self._allowed_path(request):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先修改密码"}, status=403)
                return _go_to(request, _with_next("password_change", request))
        return self.get_response(request)

    def _allowed_path(self, request) -> bool:
        if self._allowed is None:
            self._allowed = (
                reverse("password_change"),
                reverse("logout"),
                reverse("login"),
                "/" + settings.STATIC_URL.lstrip("/"),
                "/health/",
            )
        return request.path.startswith(self._allowed)
