"""Doing an inspection: the pre-filled report, findings, attachments, Word file, visibility."""

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from postloan.core.models import AuditEvent
from postloan.org.choices import Role
from postloan.worklist.choices import InspectionKind
from postloan.worklist.models import Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF, make_user
from tests.worklist.helpers import inspection_form, png

pytestmark = pytest.mark.django_db

PNG = png()


def open_inspection(customer_id):
    return Inspection.objects.get(
        customer_id=customer_id, kind=InspectionKind.SCHEDULED, done_date__isnull=True
    )


def form_data(**extra):
    return inspection_form(**extra)


@pytest.fixture
def planned(bank):
    plan_worklist(AS_OF)
    return bank


def test_it_prefills_the_report_from_data(planned, login):
    inspection = open_inspection("C001")
    page = login(planned.users["am_zhang"]).get(f"/work/inspections/{inspection.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "4,000,000.00" in html  # L001 balance
    assert "2026-10" in html and "810,000.00" in html  # October inflow
    assert "无财务报表，财务比率无法计算" in html


def test_it_completes_an_inspection_with_findings_and_a_photo(planned, login):
    inspection = open_inspection("C001")
    client = login(planned.users["am_zhang"])
    data = form_data(
        item_collateral="problem", note_collateral="抵押房产已出租未告知", conclusion="watch"
    )
    data["attachment"] = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(f"/work/inspections/{inspection.pk}/", data)
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.done_date == dt.date(2026, 10, 30)
    assert inspection.has_problem
    assert inspection.findings["collateral"]["note"] == "抵押房产已出租未告知"
    assert inspection.report["narrative"]["operations"] == "订单饱满，产销正常"
    assert inspection.report["total_balance"] == "4,000,000.00"
    assert inspection.attachments.count() == 1
    assert AuditEvent.objects.filter(
        action="worklist.complete_inspection", object_id=str(inspection.pk)
    ).exists()


def test_it_keeps_what_was_typed_and_says_what_is_wrong(planned, login):
    inspection = open_inspection("C001")
    client = login(planned.users["am_zhang"])
    response = client.post(
        f"/work/inspections/{inspection.pk}/",
        form_data(item_fund_use="problem", done_date="2026-11-30"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "为异常时须说明发现的问题" in html
    assert "检查日期不能晚于业务日期" in html
    assert "订单饱满，产销正常" in html
    inspection.refresh_from_db()
    assert inspection.done_date is None


def test_it_refuses_attachments_of_the_wrong_type_or_size(planned, login, settings):
    inspection = open_inspection("C001")
    client = login(planned.users["am_zhang"])
    exe = SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    fake = SimpleUploadedFile("b.png", b"not a png at all", content_type="image/png")
    client.post(f"/work/inspections/{inspection.pk}/attachments/", {"attachment": exe})
    client.post(f"/work/inspections/{inspection.pk}/attachments/", {"attachment": fake})
    settings.WORKLIST_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("c.png", PNG, content_type="image/png")
    client.post(f"/work/inspections/{inspection.pk}/attachments/", {"attachment": big})
    assert inspection.attachments.count() == 0
    settings.WORKLIST_ATTACHMENT_MAX_BYTES = 1024
    ok = SimpleUploadedFile("d.png", PNG, content_type="image/png")
    client.post(f"/work/inspections/{inspection.pk}/attachments/", {"attachment": ok})
    assert inspection.attachments.count() == 1


def test_it_hides_other_managers_inspections(planned, login):
    inspection = open_inspection("C001")
    client = login(planned.users["am_wang"])
    assert client.get(f"/work/inspections/{inspection.pk}/").status_code == 404
    assert client.post(f"/work/inspections/{inspection.pk}/", form_data()).status_code == 404
    assert client.get(f"/work/inspections/{inspection.pk}/report.docx").status_code == 404
    assert "杭州甲制造" not in client.get("/work/inspections/").content.decode()


def test_it_lets_readers_look_but_not_act(planned, login):
    auditor = make_user(
        "auditor_li", planned.staff["RM01"].__class__.objects.get(pk="P01"), Role.AUDITOR
    )
    inspection = open_inspection("C001")
    client = login(auditor)
    assert client.get(f"/work/inspections/{inspection.pk}/").status_code == 200
    assert client.post(f"/work/inspections/{inspection.pk}/", form_data()).status_code == 403


def test_it_counts_overdue_inspections_against_the_account_manager(planned, login):
    Inspection.objects.filter(customer_id="C001").update(due_date=dt.date(2026, 10, 15))
    html = login(planned.users["rm_branch"]).get("/work/diligence/").content.decode()
    assert "张伟" in html
    row = html.split("张伟")[1].split("</tr>")[0]
    assert "tag-red" in row and ">1<" in row


def test_it_writes_the_report_as_a_word_file_with_chinese_fonts(planned, login, tmp_path):
    inspection = open_inspection("C001")
    client = login(planned.users["am_zhang"])
    client.post(f"/work/inspections/{inspection.pk}/", form_data())
    response = client.get(f"/work/inspections/{inspection.pk}/report.docx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "贷后管理定期分析报告" in text
    assert "订单饱满，产销正常" in text
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert 'w:eastAsia="宋体"' in xml
    path = tmp_path / "report.docx"
    path.write_bytes(content)
    assert_converts_to_pdf(path)


def assert_converts_to_pdf(path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed to check the Word files"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{path.parent}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(path.parent),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = path.with_suffix(".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
