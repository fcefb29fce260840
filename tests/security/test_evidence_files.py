"""Evidence files (证据文件): generated storage names, a type check by content, downloads only
through a view that checks who may see the signal, never rendered by the browser."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from postloan.core import evidence
from postloan.risk.actions import persist_result, start_handling
from postloan.risk.models import Signal, SignalStep
from tests.risk.results import AS_OF, make_result

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
SCRIPT_PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def handling(bank, media):
    """C003's signal, handed to its account manager 王芳 (am_wang) for feedback."""
    persist_result(make_result(), AS_OF)
    signal = Signal.objects.get(customer_id="C003")
    start_handling(signal, bank.staff["AM02"], "上门核实", AS_OF, bank.users["rm_branch"])
    return signal


def _feedback(client, signal, name, content):
    return client.post(
        f"/risk/signals/{signal.pk}/",
        {
            "step": "feedback",
            "feedback-note": "已上门核实，客户出具还款凭证",
            "feedback-evidence": "凭证见附件",
            "feedback-attachment": SimpleUploadedFile(name, content),
        },
    )


def _stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def _docx() -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("还款承诺书")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _xlsx(macro: bool = False) -> bytes:
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    if not macro:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def test_it_stores_the_file_under_a_generated_name(handling, login, media):
    client = login(handling.owner.user)
    response = _feedback(client, handling, "../../还款凭证 <b>.pdf", PDF)
    assert response.status_code == 302
    step = SignalStep.objects.get(signal=handling, to_status="feedback")
    assert re.fullmatch(r"signals/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", step.attachment.name)
    assert step.attachment_name == "还款凭证 <b>.pdf"  # kept for the download, never a path
    (stored,) = _stored_files(media)
    assert stored.read_bytes() == PDF
    assert stored.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("说明.html", SCRIPT_PAGE, "不能上传此类文件（html）"),
        ("说明.htm", SCRIPT_PAGE, "不能上传此类文件（htm）"),
        ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "svg"),
        ("凭证.pdf", SCRIPT_PAGE, "扩展名与内容不符"),  # a page disguised as a PDF
        ("照片.jpg", PNG, "扩展名与内容不符"),  # a PNG is not a JPEG
        ("合同.docx", b"PK\x03\x04 not really a zip", "扩展名与内容不符"),
        ("台账.xlsx", _xlsx(macro=True), "含有宏"),
        ("空.pdf", b"", "所提交的是空文件"),  # the form's own check
        ("无扩展名", PDF, "无扩展名"),
    ],
)
def test_it_refuses_files_that_are_not_evidence(handling, login, media, name, content, reason):
    client = login(handling.owner.user)
    response = _feedback(client, handling, name, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page and "errorlist" in page
    assert "已上门核实，客户出具还款凭证" in page  # what was typed is kept
    handling.refresh_from_db()
    assert handling.status == "handling"  # nothing written: no step, no file
    assert not SignalStep.objects.filter(signal=handling, to_status="feedback").exists()
    assert _stored_files(media) == []


def test_it_refuses_a_file_over_the_limit(handling, login, media, settings):
    settings.POSTLOAN_EVIDENCE_MAX_BYTES = 1024
    response = _feedback(login(handling.owner.user), handling, "大.pdf", PDF + b"0" * 2000)
    assert response.status_code == 400
    assert "文件超过 1 KB 上限" in response.content.decode()
    assert _stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("凭证.pdf", PDF, "application/pdf"),
        ("现场.PNG", PNG, "image/png"),
        ("现场.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg"),
        (
            "承诺书.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("台账.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "旧表.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
            "application/vnd.ms-excel",
        ),
    ],
)
def test_it_accepts_pdf_images_and_office_files(handling, login, name, content, content_type):
    client = login(handling.owner.user)
    assert _feedback(client, handling, name, content).status_code == 302
    step = SignalStep.objects.get(signal=handling, to_status="feedback")
    response = client.get(f"/risk/signals/steps/{step.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content) == content


def test_it_serves_the_file_only_as_a_download_with_nosniff(handling, login):
    client = login(handling.owner.user)
    _feedback(client, handling, "还款凭证.pdf", PDF)
    step = SignalStep.objects.get(signal=handling, to_status="feedback")
    url = f"/risk/signals/steps/{step.pk}/attachment/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%E8%BF%98%E6%AC%BE%E5%87%AD%E8%AF%81.pdf"
        in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    page = client.get(f"/risk/signals/{handling.pk}/").content.decode()
    assert f'href="{url}"' in page and "还款凭证.pdf</a>" in page
    assert "/media/" not in page


def test_it_lets_only_those_who_see_the_signal_download(handling, login, client):
    login(handling.owner.user)
    _feedback(client, handling, "还款凭证.pdf", PDF)
    step = SignalStep.objects.get(signal=handling, to_status="feedback")
    url = f"/risk/signals/steps/{step.pk}/attachment/"
    users = handling.owner.user.__class__.objects
    expected = {
        "am_wang": 200,  # the customer's account manager (and the signal's owner)
        "rm_branch": 200,  # the 分行's risk manager: the 支行 is below
        "chair": 200,  # 行长 of the 分行
        "admin": 200,
        "am_zhang": 404,  # another account manager's customer
        "rm_xihu": 404,  # the sibling 支行's risk manager
    }
    got = {}
    for username in expected:
        client.force_login(users.get(username=username))
        got[username] = client.get(url).status_code
    assert got == expected
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    client.force_login(users.get(username="admin"))
    assert client.get(f"/risk/signals/steps/{step.pk + 999}/attachment/").status_code == 404


def test_it_never_serves_media_by_url(handling, login):
    client = login(handling.owner.user)
    _feedback(client, handling, "还款凭证.pdf", PDF)
    step = SignalStep.objects.get(signal=handling, to_status="feedback")
    assert client.get(f"/media/{step.attachment.name}").status_code == 404


def test_it_serves_a_file_stored_before_the_check_as_an_opaque_download(handling, login, media):
    """A page someone attached before the type check existed: downloaded, never rendered."""
    (media / "signals" / "2026" / "10").mkdir(parents=True)
    (media / "signals" / "2026" / "10" / "说明.html").write_bytes(SCRIPT_PAGE)
    step = SignalStep.objects.create(
        signal=handling, to_status="feedback", attachment="signals/2026/10/说明.html"
    )
    response = login(handling.owner.user).get(f"/risk/signals/steps/{step.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_checks_in_the_action_not_only_in_the_page(handling):
    from postloan.risk.actions import TransitionError, submit_feedback

    upload = SimpleUploadedFile("凭证.pdf", SCRIPT_PAGE)
    with pytest.raises(TransitionError) as refused:
        submit_feedback(handling, "已核实", "", handling.owner.user, attachment=upload)
    assert refused.value.field == "attachment"
    assert evidence.extension("A.Tar.GZ") == "gz"


def test_the_maintenance_page_links_the_checked_download_only(handling, login):
    _feedback(login(handling.owner.user), handling, "还款凭证<script>.pdf", PDF)
    step = SignalStep.objects.get(signal=handling, to_status="feedback")
    admin = handling.owner.user.__class__.objects.get(username="admin")
    page = login(admin).get(f"/admin/risk/signal/{handling.pk}/change/").content.decode()
    assert (
        f'href="/risk/signals/steps/{step.pk}/attachment/">还款凭证&lt;script&gt;.pdf</a>' in page
    )
    assert "/media/" not in page and 'type="file"' not in page
