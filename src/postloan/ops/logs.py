"""Structured logs: every line carries its time (ISO 8601 with the offset), level, logger, the
request id and the user; one JSON object per line with POSTLOAN_LOG_FORMAT=json.

    RequestIdMiddleware   takes the proxy's X-Request-ID (if it is a plain token) or makes one,
                          keeps it and the user in context variables for the request, and
                          answers with the X-Request-ID header — quote it when reporting a fault
    jobs.running()        binds `job-<id>` and the submitting user inside a background job
    ContextFilter         puts request_id / user on each record (the console handler's filter)
    TextFormatter         2026-11-02T09:15:03.120+08:00 WARNING django.request
                          [request=6f1c… user=rm_branch] Bad Request: /risk/signals/1/
    JsonFormatter         {"time": …, "level": …, "logger": …, "request_id": …, "user": …,
                           "message": …, "exception": …}

Loaded by settings.LOGGING before the apps: no model imports here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

request_id_var: ContextVar[str] = ContextVar("postloan_request_id", default="-")
user_var: ContextVar[str] = ContextVar("postloan_user", default="-")
HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def current_request_id() -> str:
    return request_id_var.get()


def fault_reference() -> str:
    """A number a person quotes when reporting an internal fault (E20261031-3FA2C1): the same
    number is in the log line that holds the traceback, beside the request or job id."""
    when = dt.datetime.now(dt.UTC).astimezone()
    return f"E{when:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


@contextlib.contextmanager
def bound(request_id: str, user: str = "-"):
    """Log with `request_id` and `user` for the body (a job, a command)."""
    t1, t2 = request_id_var.set(request_id), user_var.set(user or "-")
    try:
        yield
    finally:
        request_id_var.reset(t1)
        user_var.reset(t2)


def _incoming(value: str | None) -> str | None:
    """The proxy's request id, only if it is a plain token (nothing to inject into a log)."""
    return value if value and _TOKEN.fullmatch(value) else None


class RequestIdMiddleware:
    """First in MIDDLEWARE: everything logged while a request is served carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = _incoming(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = rid
        # Not reset on the way out: Django logs a 4xx answer (django.request) after the whole
        # middleware chain; `request_finished` clears both once the response is closed.
        request_id_var.set(rid)
        user_var.set("-")
        response = self.get_response(request)
        response[HEADER] = rid
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After the authentication middleware: the user is known (views resolve it anyway).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_var.set(user.get_username())
        return None


def _clear(**kwargs) -> None:
    request_id_var.set("-")
    user_var.set("-")


request_finished.connect(_clear, dispatch_uid="postloan-logs-clear")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.user = user_var.get()
        return True


def _time(record: logging.LogRecord) -> str:
    when = dt.datetime.fromtimestamp(record.created, tz=dt.UTC).astimezone()
    return when.isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    def __init__(self, *args, **kwargs):
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s [request=%(request_id)s user=%(user)s] %(message)s"
        )

    def formatTime(self, record, datefmt=None) -> str:  # noqa: N802 - logging's name
        return _time(record)

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", request_id_var.get())
        record.user = getattr(record, "user", user_var.get())
        return super().format(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "user": getattr(record, "user", user_var.get()),
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
