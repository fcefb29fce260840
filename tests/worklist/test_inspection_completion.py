"""An inspection proves the work before it completes; photos carry when and where they were
taken; a completed inspection is locked and corrected by amendments."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from docx import Document

from postloan.core.errors import DomainError
from postloan.core.models import AuditEvent
from postloan.worklist import actions
from postloan.worklist.choices import CHECK_ITEMS, InspectionKind
from postloan.worklist.models import Inspection, InspectionAmendment, InspectionLocked
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF
from tests.worklist.helpers import NARRATIVE, inspection_form, jpeg, png, upload

pytestmark = pytest.mark.django_db

HANGZHOU = (((30.0, 15.0, 36.0), "N"), ((120.0, 9.0, 0.0), "E"))


@pytest.fixture
def planned(bank):
    plan_worklist(AS_OF)
    return bank


def open_inspection(customer_id="C001"):
    return Inspection.objects.get(
        customer_id=customer_id, kind=InspectionKind.SCHEDULED, done_date__isnull=True
    )


def post(client, inspection, data):
    return client.post(f"/work/inspections/{inspection.pk}/", data)


def completed(planned, login, **extra):
    inspection = open_inspection()
    response = post(login(planned.users["am_zhang"]), inspection, inspection_form(**extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection.refresh_from_db()
    return inspection


# ── refusals: nothing preselected, nothing saved ─────────────────────────────
def test_it_refuses_an_inspection_with_only_a_date(planned, login):
    """Issue 14 §6: entering only a date used to save 正常 with every item at its default."""
    inspection = open_inspection()
    client = login(planned.users["am_zhang"])
    page = client.get(f"/work/inspections/{inspection.pk}/").content.decode()
    form = page.split('id="inspection-form"')[1]
    assert "selected" not in form.split("</form>")[0].replace('<option value="" selected>', "")
    response = post(client, inspection, {"done_date": "2026-10-30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择检查方式" in html and "请选择检查结论" in html
    for _, label in CHECK_ITEMS:
        assert f"请选择“{label}”的检查情况" in html
    assert "请填写“生产经营状况”" in html and "请填写“建议采取的风险化解措施”" in html
    inspection.refresh_from_db()
    assert inspection.done_date is None and inspection.findings == {}
    assert not AuditEvent.objects.filter(action="worklist.complete_inspection").exists()


def test_it_refuses_an_unanswered_item_and_keeps_what_was_typed(planned, login):
    inspection = open_inspection()
    data = inspection_form(item_finance="", note_operations="这段说明要保留")
    html = post(login(planned.users["am_zhang"]), inspection, data).content.decode()
    assert "请选择“财务状况（收入、利润、负债、现金流）”的检查情况" in html
    assert "这段说明要保留" in html and NARRATIVE["prospects"] in html
    assert "请选择“生产经营状况" not in html  # the answered items are not flagged
    inspection.refresh_from_db()
    assert inspection.done_date is None


@pytest.mark.parametrize(
    ("status", "message"),
    [("problem", "为异常时须说明发现的问题"), ("watch", "为关注时须说明关注的情况")],
)
def test_it_needs_a_note_for_every_item_not_normal(planned, login, status, message):
    inspection = open_inspection()
    data = inspection_form(item_collateral=status, note_collateral="  ", conclusion="watch")
    html = post(login(planned.users["am_zhang"]), inspection, data).content.decode()
    assert f"“抵质押物状况（存续、价值、保管、登记）”{message}" in html
    inspection.refresh_from_db()
    assert inspection.done_date is None


def test_it_needs_every_section_of_the_analysis(planned, login):
    inspection = open_inspection()
    html = post(
        login(planned.users["am_zhang"]), inspection, inspection_form(narrative_prospects=" ")
    ).content.decode()
    assert "请填写“发展前景”（没有相关情况的请写明“无”）" in html
    assert "请填写“生产经营状况”" not in html


def test_it_refuses_a_normal_conclusion_over_an_abnormal_item(planned, login):
    inspection = open_inspection()
    data = inspection_form(item_repayment="problem", note_repayment="9月利息逾期未还")
    html = post(login(planned.users["am_zhang"]), inspection, data).content.decode()
    assert "检查事项中有异常，结论不能为“正常”" in html
    inspection.refresh_from_db()
    assert inspection.done_date is None


def test_it_refuses_a_date_after_the_business_date(planned, login):
    inspection = open_inspection()
    html = post(
        login(planned.users["am_zhang"]), inspection, inspection_form(done_date="2026-11-01")
    ).content.decode()
    assert "检查日期不能晚于业务日期（2026-10-31）" in html
    inspection.refresh_from_db()
    assert inspection.done_date is None


def test_it_refuses_a_date_before_the_disbursement(planned, login):
    """C001's only loan L001 was disbursed on 2025-11-01."""
    inspection = open_inspection()
    client = login(planned.users["am_zhang"])
    html = post(client, inspection, inspection_form(done_date="2025-10-31")).content.decode()
    assert "检查日期不能早于贷款发放日（2025-11-01）" in html
    inspection.refresh_from_db()
    assert inspection.done_date is None
    assert post(client, inspection, inspection_form(done_date="2025-11-01")).status_code == 302


def test_it_measures_a_first_follow_up_from_its_own_loan(planned, login):
    first = Inspection.objects.create(
        customer_id="C001",
        loan_id="L001",
        kind=InspectionKind.FIRST_FOLLOWUP,
        assignee=planned.staff["AM01"],
        due_date=dt.date(2026, 11, 20),
    )
    planned.loans["L001"].__class__.objects.filter(pk="L001").update(
        start_date=dt.date(2026, 10, 20)
    )
    html = post(
        login(planned.users["am_zhang"]), first, inspection_form(done_date="2026-10-19")
    ).content.decode()
    assert "检查日期不能早于贷款发放日（2026-10-20）" in html


def test_the_action_refuses_what_the_form_refuses(planned):
    """The rules live in the action: a caller that skips the form is refused the same."""
    inspection = open_inspection()
    with pytest.raises(DomainError) as refused:
        actions.complete_inspection(
            inspection,
            acting_user=planned.users["am_zhang"],
            mode="on_site",
            done_date=dt.date(2026, 12, 1),
            findings={},
            conclusion="normal",
            report={"narrative": {}},
        )
    errors = refused.value.errors
    assert errors["done_date"] == ["检查日期不能晚于业务日期（2026-10-31）"]
    assert len([k for k in errors if k.startswith("item_")]) == len(CHECK_ITEMS)
    assert len([k for k in errors if k.startswith("narrative_")]) == len(NARRATIVE)
    inspection.refresh_from_db()
    assert inspection.done_date is None


# ── photos ───────────────────────────────────────────────────────────────────
def test_it_stores_a_photo_with_the_time_and_place_it_was_taken(planned, login):
    inspection = open_inspection()
    client = login(planned.users["am_zhang"])
    data = inspection_form()
    data["attachment"] = upload(jpeg(gps=HANGZHOU), name="../../etc/IMG_0001.JPG")
    data["caption"] = "厂区门口"
    assert post(client, inspection, data).status_code == 302
    photo = inspection.attachments.get()
    assert photo.content_type == "image/jpeg" and (photo.width, photo.height) == (64, 48)
    assert photo.taken_at == dt.datetime(2026, 10, 30, 2, 15, tzinfo=dt.UTC)  # 10:15 in 杭州
    assert photo.latitude == Decimal("30.260000") and photo.longitude == Decimal("120.150000")
    assert "IMG_0001" not in photo.file.name and ".." not in photo.file.name
    assert photo.file.name.startswith(f"inspections/{inspection.pk}/")
    assert photo.file.name.endswith(".jpg") and len(photo.sha256) == 64
    page = client.get(f"/work/inspections/{inspection.pk}/").content.decode()
    assert "2026-10-30 10:15" in page and "北纬30.260000°，东经120.150000°" in page
    assert "/media/" not in page
    event = AuditEvent.objects.get(action="worklist.add_inspection_photo")
    assert event.after["latitude"] == "30.260000"


def test_it_reads_the_cameras_own_time_offset(planned):
    inspection = open_inspection()
    photo = actions.add_photo(
        inspection,
        acting_user=planned.users["am_zhang"],
        upload=upload(jpeg(taken="2026:10:30 09:00:00", offset="+09:00")),
    )
    assert photo.taken_at == dt.datetime(2026, 10, 30, 0, 0, tzinfo=dt.UTC)


def test_it_says_when_a_photo_carries_no_time_or_place(planned, login):
    inspection = open_inspection()
    client = login(planned.users["am_zhang"])
    response = client.post(
        f"/work/inspections/{inspection.pk}/attachments/",
        {"attachment": upload(png(), "a.png", "image/png")},
    )
    assert response.status_code == 302
    photo = inspection.attachments.get()
    assert photo.taken_at is None and photo.latitude is None and photo.content_type == "image/png"
    page = client.get(f"/work/inspections/{inspection.pk}/").content.decode()
    assert "照片无拍摄时间信息" in page and "照片无位置信息" in page


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 a program",
        b"\xff\xd8\xff\xe0 a jpeg header and nothing else",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"<html><script>alert(1)</script></html>",
    ],
    ids=["program", "truncated-jpeg", "png-signature-only", "html"],
)
def test_it_accepts_only_real_images(planned, login, content):
    inspection = open_inspection()
    client = login(planned.users["am_zhang"])
    response = client.post(
        f"/work/inspections/{inspection.pk}/attachments/",
        {"attachment": upload(content, "photo.jpg")},
        follow=True,
    )
    assert "文件不是可识别的照片（仅接受 JPEG 或 PNG 图片）" in response.content.decode()
    assert inspection.attachments.count() == 0


def test_it_refuses_other_image_formats_and_oversized_photos(planned, settings):
    from PIL import Image

    inspection = open_inspection()
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    user = planned.users["am_zhang"]
    with pytest.raises(DomainError, match="仅接受 JPEG 或 PNG 格式的照片"):
        actions.add_photo(inspection, acting_user=user, upload=upload(gif.getvalue(), "a.gif"))
    settings.WORKLIST_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(DomainError, match="照片过大"):
        actions.add_photo(inspection, acting_user=user, upload=upload(jpeg()))
    assert inspection.attachments.count() == 0


def test_it_serves_a_photo_only_to_those_who_see_the_inspection(planned, login):
    inspection = open_inspection()
    content = jpeg()
    photo = actions.add_photo(
        inspection, acting_user=planned.users["am_zhang"], upload=upload(content)
    )
    url = f"/work/inspections/{inspection.pk}/photos/{photo.pk}/"
    response = login(planned.users["am_zhang"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename*=UTF-8''")
    assert "sandbox" in response["Content-Security-Policy"]
    assert login(planned.users["am_wang"]).get(url).status_code == 404
    other = Inspection.objects.get(customer_id="C002", done_date__isnull=True)
    wrong = f"/work/inspections/{other.pk}/photos/{photo.pk}/"
    assert login(planned.users["am_zhang"]).get(wrong).status_code == 404


# ── lock and amendments ──────────────────────────────────────────────────────
def test_it_locks_a_completed_inspection(planned, login):
    inspection = completed(planned, login)
    client = login(planned.users["am_zhang"])
    again = post(client, inspection, inspection_form(conclusion="watch"))
    assert again.status_code == 302
    inspection.refresh_from_db()
    assert inspection.conclusion == "normal"
    photo = client.post(
        f"/work/inspections/{inspection.pk}/attachments/",
        {"attachment": upload(jpeg())},
        follow=True,
    )
    assert "补充照片请随更正记录提交" in photo.content.decode()
    assert inspection.attachments.count() == 0
    inspection.conclusion = "deteriorated"
    with pytest.raises(InspectionLocked):
        inspection.save()
    with pytest.raises(InspectionLocked):
        inspection.save(update_fields=["conclusion"])
    with pytest.raises(InspectionLocked):
        Inspection.objects.filter(pk=inspection.pk).update(done_date=AS_OF)
    with pytest.raises(InspectionLocked):
        Inspection.objects.filter(customer_id="C001").delete()
    with pytest.raises(InspectionLocked):
        inspection.delete()
    inspection.refresh_from_db()
    assert inspection.conclusion == "normal" and inspection.done_date == dt.date(2026, 10, 30)


def test_the_database_refuses_a_change_of_a_completed_inspection(planned, login):
    inspection = completed(planned, login)
    with (
        pytest.raises(DatabaseError, match="检查已完成锁定"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE inspections SET conclusion = 'deteriorated' WHERE id = %s", [inspection.pk]
        )
    with connection.cursor() as cursor:  # the follow-up column may change
        cursor.execute(
            "UPDATE inspections SET has_problem = %s WHERE id = %s", [True, inspection.pk]
        )
    inspection.refresh_from_db()
    assert inspection.conclusion == "normal" and inspection.has_problem


def test_an_amendment_corrects_without_changing_the_record(planned, login):
    inspection = completed(planned, login)
    client = login(planned.users["am_zhang"])
    original = dict(inspection.findings)
    response = client.post(
        f"/work/inspections/{inspection.pk}/amend/",
        {
            "reason": "检查时遗漏",
            "text": "回访得知抵押房产已出租，未告知我行",
            "item_code": "collateral",
            "item_status": "problem",
            "item_note": "抵押房产已出租未告知",
            "conclusion": "watch",
            "attachment": upload(jpeg(taken="2026:10:31 09:30:00", gps=HANGZHOU)),
            "caption": "出租告示",
        },
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.findings == original and inspection.conclusion == "normal"
    assert inspection.has_problem  # follows the corrected findings for the engine
    amendment = inspection.amendments.get()
    assert amendment.number == 1 and amendment.created_by == planned.users["am_zhang"]
    assert inspection.effective_findings()["collateral"]["status"] == "problem"
    assert inspection.effective_conclusion() == "watch"
    assert inspection.attachments.get().amendment == amendment
    page = client.get(f"/work/inspections/{inspection.pk}/").content.decode()
    assert "更正1" in page and "抵押房产已出租未告知" in page and "随更正1提交" in page
    assert "结论：关注（含更正）" in page
    assert AuditEvent.objects.filter(
        action="worklist.amend_inspection", reason="检查时遗漏"
    ).exists()
    with pytest.raises(ValidationError):
        amendment.save()
    with pytest.raises(ValidationError):
        amendment.delete()
    assert InspectionAmendment.objects.count() == 1


def test_an_amendment_needs_a_reason_and_a_consistent_correction(planned, login):
    inspection = completed(planned, login)
    client = login(planned.users["am_zhang"])
    url = f"/work/inspections/{inspection.pk}/amend/"
    html = client.post(url, {"reason": "", "text": "补充"}).content.decode()
    assert "请填写更正原因" in html and "补充" in html
    html = client.post(
        url, {"reason": "遗漏", "text": "补充", "item_code": "finance", "item_status": "problem"}
    ).content.decode()
    assert "为异常时须说明发现的问题" in html
    html = client.post(
        url,
        {
            "reason": "遗漏",
            "text": "补充",
            "item_code": "finance",
            "item_status": "problem",
            "item_note": "应收账款大幅增加",
        },
    ).content.decode()
    assert "更正后检查事项中有异常，结论不能为“正常”" in html
    assert "应收账款大幅增加" in html  # what was typed is kept
    assert inspection.amendments.count() == 0
    with pytest.raises(DomainError, match="检查尚未完成"):
        actions.amend_inspection(
            open_inspection("C002"), acting_user=planned.users["am_zhang"], reason="r", text="t"
        )


def test_the_word_report_shows_the_items_photos_and_amendments(planned, login):
    inspection = completed(
        planned, login, item_operations="watch", note_operations="订单较上季减少"
    )
    client = login(planned.users["am_zhang"])
    client.post(
        f"/work/inspections/{inspection.pk}/amend/",
        {"reason": "补充照片", "text": "补充现场照片", "attachment": upload(jpeg(gps=HANGZHOU))},
    )
    response = client.get(f"/work/inspections/{inspection.pk}/report.docx")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "（未填写）" not in text
    assert NARRATIVE["guarantee_comment"] in text
    assert "订单较上季减少" in cells and "关注" in cells
    assert "补充现场照片" in cells and "补充照片" in cells
    assert "拍摄位置：北纬30.260000°，东经120.150000°" in text
    assert len(doc.inline_shapes) == 1  # the photo itself is in the report


def test_it_says_everything_missing_at_once_even_without_a_date(planned, login):
    inspection = open_inspection()
    html = post(login(planned.users["am_zhang"]), inspection, {}).content.decode()
    assert "请填写检查日期" in html and "请选择检查方式" in html and "请选择检查结论" in html
    html = post(
        login(planned.users["am_zhang"]), inspection, inspection_form(done_date="30/10/2026")
    ).content.decode()
    assert "请按“年-月-日”填写检查日期" in html and "请填写检查日期" not in html


def test_it_names_people_as_the_bank_does(planned, login):
    """The staff record's name (张伟), not the login's first/last name order."""
    user = planned.users["am_zhang"]
    user.first_name, user.last_name = "伟", "张"
    user.save(update_fields=["first_name", "last_name"])
    inspection = completed(planned, login)
    actions.amend_inspection(inspection, acting_user=user, reason="遗漏", text="补充")
    page = login(user).get(f"/work/inspections/{inspection.pk}/").content.decode()
    assert "检查人：张伟" in page and "<td>张伟</td>" in page and "伟 张" not in page
