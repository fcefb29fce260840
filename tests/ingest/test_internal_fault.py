"""An importer's internal fault (an exception of its own, not bad data): the person reads a
Chinese message with a reference number on the job page and in the batch; the English
traceback is only in the log, in the structured line that carries the request id and the
same reference number."""

import re

import pytest
from django.urls import reverse

from postloan.ingest import service
from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress
from tests.ingest.test_web import bank_uploads, person
from tests.ops.helpers import structured_log

SECRET = "KeyError: 'branch' in /srv/postloan/ingest/load.py"
REFERENCE = re.compile(r"参考编号 (E\d{8}-[0-9A-F]{6})")


@pytest.fixture
def log_lines():
    """The project's own structured log format, as the console handler writes it."""
    with structured_log("postloan") as out:
        yield out


def _broken(*args, **kwargs):
    raise RuntimeError(SECRET)


@pytest.mark.django_db
def test_an_internal_fault_shows_a_chinese_message_with_a_reference(client, monkeypatch, log_lines):
    monkeypatch.setattr(service, "_run", _broken)
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    response = client.post(
        reverse("ingest:list"),
        {"files": bank_uploads(), "as_of": "2026-10-31"},
        HTTP_X_REQUEST_ID="req-fault-0001",
    )
    assert response.status_code == 302  # not a 500
    job = JobProgress.objects.get()
    batch = ImportBatch.objects.get()
    assert job.status == "failed" and batch.outcome == "failed"

    reference = REFERENCE.search(job.message).group(1)
    reason = batch.report["errors"][0]["reason"]
    assert reason == job.message and "导入程序内部出错，本批次未写入任何数据" in reason
    for shown in (
        client.get(response["Location"]).content.decode(),  # the job page
        client.get(reverse("ingest:detail", args=[batch.pk])).content.decode(),
        client.get(reverse("ingest:list")).content.decode(),
    ):
        assert "RuntimeError" not in shown and "KeyError" not in shown and "/srv/" not in shown
    assert reference in client.get(response["Location"]).content.decode()
    assert reference in client.get(reverse("ingest:detail", args=[batch.pk])).content.decode()

    text = log_lines.getvalue()
    line = next(x for x in text.splitlines() if reference in x)
    assert " ERROR postloan.ingest.service " in line
    assert f"[request=req-fault-0001:job-{job.pk} user=rm_chen]" in line
    assert "Traceback" in text and SECRET in text  # the English detail: in the log only


@pytest.mark.django_db
def test_another_tasks_fault_is_chinese_with_a_reference_too(bank, log_lines):
    from postloan.ops.jobs import running

    job = JobProgress.objects.create(kind="import", created_by=bank.users["rm_branch"])
    with pytest.raises(ZeroDivisionError), running(job.pk):
        1 / 0  # noqa: B018
    job.refresh_from_db()
    assert job.status == "failed" and "ZeroDivision" not in job.message
    reference = REFERENCE.search(job.message).group(1)
    assert job.message.startswith("任务内部出错")
    assert reference in log_lines.getvalue() and "ZeroDivisionError" in log_lines.getvalue()
