"""Structured logs: time, level, request id and user on every line; X-Request-ID answered;
one JSON object per line with POSTLOAN_LOG_FORMAT=json."""

import json
import logging
import re
import subprocess

import pytest

from postloan.ops import logs
from postloan.ops.jobs import running
from postloan.ops.models import JobProgress
from tests.ops.helpers import POSTLOAN, command_env, structured_log


@pytest.fixture
def captured():
    """What the console handler of settings.LOGGING would print, for django.request."""
    with structured_log("django.request") as stream:
        yield stream


def test_it_answers_every_request_with_its_id(client):
    first = client.get("/health/")
    second = client.get("/health/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_it_keeps_the_proxys_id_unless_it_is_not_a_plain_token(client):
    kept = client.get("/health/", headers={"X-Request-ID": "lb-7f3a9c21.0001"})
    assert kept["X-Request-ID"] == "lb-7f3a9c21.0001"
    forged = client.get("/health/", headers={"X-Request-ID": "x\n2026 ERROR forged line"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_a_log_line_carries_time_level_request_and_user(bank, login, captured):
    client = login(bank.users["am_zhang"])
    response = client.get("/risk/signals/999999/")  # the view logs 404 Not Found
    assert response.status_code == 404
    line = captured.getvalue().strip().splitlines()[-1]
    rid = response["X-Request-ID"]
    assert re.match(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2} WARNING django\.request ", line
    )
    assert f"[request={rid} user=am_zhang] Not Found: /risk/signals/999999/" in line
    assert logs.current_request_id() == "-"  # nothing leaks into the next request


def test_the_json_format_is_one_object_per_line():
    try:
        raise ValueError("坏数据")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "postloan.x", logging.ERROR, __file__, 1, "导入 %s 失败", (7,), sys.exc_info()
        )
    with logs.bound("req-12345678", "rm_branch"):
        logs.ContextFilter().filter(record)
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["logger"] == "postloan.x"
    assert (line["request_id"], line["user"]) == ("req-12345678", "rm_branch")
    assert line["message"] == "导入 7 失败" and "ValueError: 坏数据" in line["exception"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+[+-]\d{2}:\d{2}", line["time"])


def test_settings_switch_to_json_by_environment(db):
    code = "import logging; logging.getLogger('postloan.probe').warning('检查 %s', 'JSON')"
    done = subprocess.run(
        [POSTLOAN, "shell", "-c", code],
        env=command_env(POSTLOAN_LOG_FORMAT="json"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["logger"], line["level"], line["message"]) == (
        "postloan.probe",
        "WARNING",
        "检查 JSON",
    )
    plain = subprocess.run(
        [POSTLOAN, "shell", "-c", code],
        env=command_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert " WARNING postloan.probe [request=- user=-] 检查 JSON" in plain.stderr


def test_a_background_job_logs_with_its_job_id(bank):
    job = JobProgress.objects.create(kind="probe", created_by=bank.users["rm_branch"])
    with running(job.pk):
        assert logs.current_request_id() == f"job-{job.pk}"
        assert logs.user_var.get() == "rm_branch"
    assert logs.current_request_id() == "-"
