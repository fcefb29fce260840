"""Import reports: only those who may import read them, and their CSV is formula-safe; a large
upload runs as a background job with progress, never inside the web request."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.ops.models import JobProgress
from postloan.portfolio.models import Loan
from tests.ingest.conftest import write_bank
from tests.ingest.test_web import bank_uploads, person
from tests.ops.helpers import start

PAYLOAD = '=HYPERLINK("http://evil.example","点击")'


def _failed_batch(tmp_path) -> ImportBatch:
    folder = write_bank(tmp_path / "bank", tables={"branches"})
    (folder / "accounts.csv").write_text(
        f'account_id,customer_id,opened_date\nA1,C404,"{PAYLOAD.replace(chr(34), chr(34) * 2)}"\n',
        encoding="utf-8",
    )
    result = run_import(folder)
    assert not result.ok
    return result.batch


def _rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.mark.django_db
def test_an_account_manager_may_not_open_a_report(client, tmp_path):
    batch = _failed_batch(tmp_path)
    client.force_login(person("am_zhang", "account_manager", "AM9"))
    assert client.get(reverse("ingest:detail", args=[batch.pk])).status_code == 403
    assert client.get(reverse("ingest:report", args=[batch.pk])).status_code == 403
    page = client.get(reverse("ingest:list")).content.decode()
    assert f"#{batch.pk}" in page and reverse("ingest:detail", args=[batch.pk]) not in page


@pytest.mark.django_db
def test_a_risk_manager_reads_a_formula_safe_report(client, tmp_path):
    batch = _failed_batch(tmp_path)
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    assert client.get(reverse("ingest:detail", args=[batch.pk])).status_code == 200
    response = client.get(reverse("ingest:report", args=[batch.pk]))
    assert response.status_code == 200
    rows = _rows(b"".join(response.streaming_content).decode("utf-8"))
    values = [r[4] for r in rows[1:]]
    assert "'" + PAYLOAD in values  # shown as text, never run
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


@pytest.mark.django_db
def test_the_report_rebuilt_from_the_batch_is_formula_safe_too(client, tmp_path):
    batch = _failed_batch(tmp_path)
    Path(batch.report_csv).unlink()
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    response = client.get(reverse("ingest:report", args=[batch.pk]))
    rows = _rows(response.content.decode("utf-8"))
    assert "'" + PAYLOAD in [r[4] for r in rows[1:]]


@pytest.mark.django_db
def test_the_import_reports_its_phases(tmp_path):
    seen = []
    result = run_import(write_bank(tmp_path / "bank"), progress=lambda p, m: seen.append((p, m)))
    assert result.ok
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[0] == 5 and percents[-1] == 65
    assert any("正在读取 loans.csv" in m for _, m in seen)
    assert ("50", "正在校验数据") in [(str(p), m) for p, m in seen]


def test_a_large_upload_is_queued_even_under_the_immediate_backend(
    client, transactional_db, settings
):
    settings.POSTLOAN_IMPORT_INLINE_MAX_BYTES = 100  # the tiny bank is larger
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    response = client.post(reverse("ingest:list"), {"files": bank_uploads()})
    job = JobProgress.objects.get()
    assert response.status_code == 302 and job.status == "queued"
    assert DBTaskResult.objects.get(id=job.task_id).backend_name == "db"
    assert not ImportBatch.objects.exists() and not Loan.objects.exists()

    worker = start(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--backend", "db",
        "--interval", "0.05",
    )  # fmt: skip
    out, _ = worker.communicate(timeout=180)
    assert worker.returncode == 0, out
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100, job.message
    assert Loan.objects.count() == 3


@pytest.mark.django_db
def test_a_small_upload_still_runs_at_once_under_the_immediate_backend(client):
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    upload = SimpleUploadedFile(
        "branches.csv", b"branch_code,name,parent_code,level\nHO,x,,head_office\n"
    )
    client.post(reverse("ingest:list"), {"files": [upload]})
    assert JobProgress.objects.get().status == "succeeded"
