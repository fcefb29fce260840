"""The import pages: risk managers upload, account managers only look.

An upload is run as a background import job (`postloan.ops.jobs.submit`); with the immediate task
backend of the tests the job has finished when the browser is sent to its page.
"""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from postloan.ingest.models import ImportBatch
from postloan.ops.models import JobProgress
from postloan.org.models import Branch, Staff
from postloan.portfolio.models import Loan, Transaction
from tests.ingest.conftest import BANK, csv_text


def person(username: str, role: str, staff_id: str) -> User:
    branch, _ = Branch.objects.get_or_create(
        branch_code="HQ", defaults={"name": "总行", "level": "head_office", "path": "/HQ/"}
    )
    user = User.objects.create_user(username, password="pl-test-password-1")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Staff.objects.create(
        staff_id=staff_id,
        name=username,
        branch=branch,
        department="risk",
        position="staff",
        user=user,
    )
    return user


def upload(name: str, table: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_text(BANK[table]).encode("utf-8"), content_type="text/csv")


def bank_uploads() -> list[SimpleUploadedFile]:
    return [upload(f"{t}.csv", t) for t in BANK]


@pytest.mark.django_db
def test_a_risk_manager_uploads_a_good_batch(client):
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    response = client.post(reverse("ingest:list"), {"files": bank_uploads(), "as_of": "2026-10-31"})
    batch = ImportBatch.objects.get()
    job = JobProgress.objects.get()
    assert (job.kind, job.status, job.progress) == ("import", "succeeded", 100)
    assert job.created_by.username == "rm_chen" and job.result["batch_id"] == batch.pk
    assert job.params["as_of"] == "2026-10-31"
    assert response.status_code == 302
    assert response["Location"] == reverse("ops:job", args=[job.pk])
    assert batch.outcome == "succeeded" and batch.source == "web"
    assert batch.user.username == "rm_chen"
    assert str(batch.as_of) == "2026-10-31"
    assert Loan.objects.count() == 3
    html = client.get(response["Location"]).content.decode()
    assert "导入成功：共" in html and "成功" in html and "100%" in html
    assert "hx-trigger" not in html  # finished: the page shows the result at once, no polling
    assert f'href="{reverse("ingest:detail", args=[batch.pk])}"' in html and "查看导入结果" in html
    page = client.get(reverse("ingest:list"))
    assert page.status_code == 200
    assert "rm_chen" in page.content.decode() and "tag-ok" in page.content.decode()


@pytest.mark.django_db
def test_an_account_manager_may_look_but_not_upload(client):
    client.force_login(person("am_zhang", "account_manager", "AM9"))
    page = client.get(reverse("ingest:list"))
    assert page.status_code == 200
    assert 'type="file"' not in page.content.decode()
    response = client.post(reverse("ingest:list"), {"files": bank_uploads()})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()
    assert not JobProgress.objects.exists()
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_a_failed_upload_shows_every_error_and_offers_the_csv(client):
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    bad = SimpleUploadedFile(
        "accounts.csv", "account_id,customer_id,opened_date\nA1,C404,2024-13-01\n".encode("gbk")
    )
    response = client.post(reverse("ingest:list"), {"files": [bad]}, follow=True)
    batch = ImportBatch.objects.get()
    assert batch.outcome == "failed" and batch.error_count == 2
    job = JobProgress.objects.get()
    assert job.finished and job.status == "failed" and job.result["batch_id"] == batch.pk
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("ops:job", args=[job.pk]), 302)]
    assert "导入失败：共 2 处错误，未写入任何数据" in html and "hx-trigger" not in html
    detail = reverse("ingest:detail", args=[batch.pk])
    assert f'href="{detail}"' in html and "查看错误报告" in html
    html = client.get(detail).content.decode()
    assert "客户编号 C404 不存在" in html
    assert "日期不存在" in html
    report = client.get(reverse("ingest:report", args=[batch.pk]))
    assert report.status_code == 200
    body = b"".join(report.streaming_content).decode("utf-8-sig")
    assert "C404" in body and body.startswith("级别,文件,行号,列,值,原因")


@pytest.mark.django_db
def test_a_zip_of_a_folder_is_imported(client):
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for t, text in BANK.items():
            zf.writestr(f"extract/{t}.csv", csv_text(text))
    archive = SimpleUploadedFile("extract.zip", buf.getvalue(), content_type="application/zip")
    client.post(reverse("ingest:list"), {"files": [archive]})
    assert ImportBatch.objects.get().outcome == "succeeded"
    assert JobProgress.objects.get().status == "succeeded"
    assert Transaction.objects.count() == 6


@pytest.mark.django_db
def test_other_file_types_and_oversized_uploads_are_refused(client, settings):
    client.force_login(person("rm_chen", "risk_manager", "RM9"))
    doc = SimpleUploadedFile("loans.docx", b"x")
    response = client.post(reverse("ingest:list"), {"files": [doc]})
    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode()
    settings.POSTLOAN_UPLOAD_MAX_BYTES = 10
    response = client.post(reverse("ingest:list"), {"files": bank_uploads()})
    assert "上传文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not JobProgress.objects.exists()


@pytest.mark.django_db
def test_the_pages_need_a_login(client):
    assert client.get(reverse("ingest:list")).status_code == 302
