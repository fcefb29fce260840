"""Signatures that mean something: opinion, confirmation, password; two roles signed twice;
signers fixed at the start; a signed record renders from its frozen snapshot; hashes verified."""

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from docx import Document

from postloan.core.models import AuditEvent
from postloan.meetings import actions, record_lock
from postloan.meetings.actions.signing import content_to_sign, signer_roles
from postloan.meetings.errors import MeetingError, SignRefused
from postloan.meetings.models import Meeting, Signature
from postloan.ops.models import LoginFailure
from tests.factories import PASSWORD, make_user


def _held(bank, run, presiding="P01"):
    """A closed meeting of 杭州分行, C001 decided with a resolution, awaiting signatures."""
    sec = bank.users["rm_branch"]
    meeting, items = run.held_meeting(bank, presiding=presiding)
    for item in items.values():
        if not item.batch:
            actions.decide_item(
                item,
                summary="经营正常",
                **run.at_floor(item),
                method="consensus",
                acting_user=sec,
            )
    if any(i.batch for i in items.values()):
        actions.decide_batch(meeting, summary="批量审议", acting_user=sec)
    actions.adopt_resolution(
        items["C001"],
        type="stop_new_credit",
        params={},
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=meeting.date.replace(month=12, day=31),
        acting_user=sec,
    )
    actions.save_sections(meeting, acting_user=sec, chair_summary="按决议执行。")
    run.ready_to_close(bank, meeting, who="vice" if presiding == "VP01" else "chair")
    actions.close_meeting(meeting, acting_user=sec)
    meeting.refresh_from_db()
    return meeting, items


def _sign(user, meeting, role, **overrides):
    _content, digest = content_to_sign(meeting)
    kwargs = {
        "acting_user": user,
        "role": role,
        "opinion": "同意",
        "confirmed_sha256": digest,
        "password": PASSWORD,
    } | overrides
    return actions.sign(meeting, **kwargs)


def _nothing_signed(meeting):
    assert not Signature.objects.filter(meeting=meeting).exists()
    assert not AuditEvent.objects.filter(action="meetings.record.signed").exists()
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_it_refuses_a_signature_without_an_opinion(committee_bank, run):
    meeting, _ = _held(committee_bank, run)
    with pytest.raises(SignRefused) as refused:
        _sign(committee_bank.users["chair"], meeting, "presider", opinion="   ")
    assert refused.value.errors == {"opinion": "请填写签署意见"}
    _nothing_signed(meeting)


def test_it_refuses_a_signature_without_confirming_what_is_signed(committee_bank, run):
    bank = committee_bank
    meeting, _ = _held(bank, run)
    with pytest.raises(SignRefused) as refused:
        _sign(bank.users["chair"], meeting, "presider", confirmed_sha256="")
    assert refused.value.errors == {"confirm": "请核对签署内容并勾选确认"}
    # confirmed an older version: the record changed after the signer looked at it
    with pytest.raises(SignRefused, match="已有变化"):
        _sign(bank.users["chair"], meeting, "presider", confirmed_sha256="0" * 64)
    _nothing_signed(meeting)


def test_it_refuses_a_wrong_password_and_counts_it_against_the_login_throttle(
    committee_bank, run, settings
):
    settings.POSTLOAN_LOGIN_MAX_FAILURES = 3
    bank = committee_bank
    meeting, _ = _held(bank, run)
    chair = bank.users["chair"]
    with pytest.raises(SignRefused) as refused:
        _sign(chair, meeting, "presider", password="")
    assert refused.value.errors == {"password": "请输入登录密码以确认是本人签署"}
    for _ in range(3):
        with pytest.raises(SignRefused, match="密码不正确"):
            _sign(chair, meeting, "presider", password="wrong-password", ip="10.0.0.8")
    assert LoginFailure.objects.filter(username="chair", ip="10.0.0.8").count() == 3
    # locked now: even the right password is refused from that address
    with pytest.raises(SignRefused, match="登录失败次数过多"):
        _sign(chair, meeting, "presider", ip="10.0.0.8")
    _nothing_signed(meeting)
    _sign(chair, meeting, "presider", ip="10.0.0.9")
    assert Signature.objects.filter(meeting=meeting).count() == 1


def test_it_makes_one_person_holding_both_roles_sign_twice(committee_bank, run):
    bank = committee_bank
    meeting, _ = _held(bank, run)
    chair = bank.users["chair"]
    assert signer_roles(chair, meeting) == ["presider", "president"]
    first = _sign(chair, meeting, "presider", opinion="同意纪要")
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.is_locked()  # locked, not yet fully signed
    with pytest.raises(MeetingError, match="已以会议主持人身份签署"):
        _sign(chair, meeting, "presider")
    second = _sign(chair, meeting, "president", opinion="同意执行")
    meeting.refresh_from_db()
    assert meeting.status == "signed"
    assert (first.role, second.role) == ("presider", "president")
    assert first.content == second.content and first.content_sha256 == second.content_sha256
    assert AuditEvent.objects.filter(action="meetings.record.signed").count() == 2


def test_it_lets_only_the_fixed_presider_and_president_sign(committee_bank, run):
    bank = committee_bank
    meeting, _ = _held(bank, run, presiding="VP01")  # the vice chair presided
    with pytest.raises(MeetingError, match="您不是本次例会的会议主持人"):
        _sign(bank.users["chair"], meeting, "presider")
    with pytest.raises(MeetingError, match="您不是本次例会的行长"):
        _sign(bank.users["vice"], meeting, "president")
    _sign(bank.users["vice"], meeting, "presider")
    _sign(bank.users["chair"], meeting, "president")
    assert Meeting.objects.get(pk=meeting.pk).status == "signed"
    assert {s.signer.username for s in Signature.objects.filter(meeting=meeting)} == {
        "vice",
        "chair",
    }


def test_it_keeps_the_signers_fixed_when_the_committee_changes_after_the_start(committee_bank, run):
    bank = committee_bank
    sec = bank.users["rm_branch"]
    meeting, _ = _held(bank, run)
    assert (meeting.presiding_id, meeting.president_id) == ("P01", "P01")
    # the committee's 主任委员 seat goes to the vice president after the meeting
    actions.remove_member(bank.members["P01"], acting_user=sec)
    actions.add_member(bank.committee, bank.staff["VP01"], "chair", acting_user=sec)
    audited = AuditEvent.objects.filter(action__startswith="meetings.committee.member_")
    assert {e.action for e in audited} >= {
        "meetings.committee.member_removed",
        "meetings.committee.member_added",
    }
    assert audited.filter(object_id=str(bank.members["P01"].pk)).exists()
    meeting.refresh_from_db()
    assert meeting.president_id == "P01"
    assert signer_roles(bank.users["vice"], meeting) == []
    with pytest.raises(MeetingError, match="只有会议主持人和行长可以签署"):
        _sign(bank.users["vice"], meeting, "president")
    _sign(bank.users["chair"], meeting, "presider")
    _sign(bank.users["chair"], meeting, "president")
    assert Meeting.objects.get(pk=meeting.pk).status == "signed"


def test_it_takes_the_president_from_the_units_org_record(committee_bank, run):
    from postloan.org.models import Staff

    bank = committee_bank
    Staff.objects.filter(pk="P01").update(position="vice_president")
    with pytest.raises(MeetingError, match="没有行长，不能确定签署人"):
        run.held_meeting(bank)
    Staff.objects.filter(pk="P01").update(position="president")
    Staff.objects.filter(pk="CD01").update(position="president")
    with pytest.raises(MeetingError, match="有多名行长"):
        run.held_meeting(bank)


def _rename_by_import(tmp_path, name):
    from postloan.ingest.service import run_import
    from tests.factories import AS_OF

    folder = tmp_path / "rename"
    folder.mkdir()
    (folder / "customers.csv").write_text(
        "customer_id,name,type,branch_code,manager_id,industry_code,region_code,actual_controller\n"
        f"C001,{name},corporate,SB01,AM01,C3011,330106,赵刚\n",
        encoding="utf-8",
    )
    result = run_import(folder, as_of=AS_OF)
    assert result.ok, result.errors


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_it_renders_a_signed_record_from_its_snapshot_after_a_rename(
    committee_bank, run, login, tmp_path
):
    from pypdf import PdfReader

    from postloan.documents.pack import build_meeting_pack
    from postloan.portfolio.models import Customer

    bank = committee_bank
    meeting, items = _held(bank, run)
    run.sign_as(bank.users["chair"], meeting)
    digest = Signature.objects.filter(meeting=meeting).first().content_sha256
    client = login(bank.users["rm_branch"])

    _rename_by_import(tmp_path, "杭州甲新材料股份有限公司")
    assert Customer.objects.get(pk="C001").name == "杭州甲新材料股份有限公司"

    page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "杭州甲制造有限公司" in page and "杭州甲新材料" not in page
    assert digest in page
    form = client.get(reverse("meetings:review_form", args=[items["C001"].pk])).content.decode()
    assert "杭州甲制造有限公司" in form and "杭州甲新材料" not in form and digest in form
    docx = _docx_text(client.get(f"/documents/meetings/{meeting.pk}/minutes.docx").content)
    assert "杭州甲制造有限公司" in docx and "杭州甲新材料" not in docx and digest in docx
    forms = _docx_text(client.get(f"/documents/meetings/{meeting.pk}/review-forms.docx").content)
    assert "杭州甲制造有限公司" in forms and "杭州甲新材料" not in forms
    xlsx = client.get(f"/documents/meetings/{meeting.pk}/minutes.xlsx").content
    import openpyxl

    cells = {
        str(c.value)
        for ws in openpyxl.load_workbook(io.BytesIO(xlsx))
        for row in ws.iter_rows()
        for c in row
        if c.value
    }
    assert "杭州甲制造有限公司" in cells and not any("杭州甲新材料" in c for c in cells)
    assert any(digest in c for c in cells)
    client.post(f"/documents/meetings/{meeting.pk}/pack/")
    job = build_meeting_pack(meeting.pack_jobs.get().pk)
    assert job.status == "done", job.error
    text = "".join(p.extract_text() for p in PdfReader(job.file.path).pages).replace("\n", "")
    # The pack's quality report is the bank's data of the data date — its top-ten customers
    # (表9) under today's names — not part of the signed record: the record is everything else.
    start = text.index("表9 前十大客户")
    record = text[:start] + text[text.index("表10", start) :]
    assert "杭州甲制造有限公司" in record and "杭州甲新材料" not in record
    assert digest in text


def test_it_renders_an_unsigned_record_live(committee_bank, run, login, tmp_path):
    bank = committee_bank
    meeting, _ = _held(bank, run)
    _rename_by_import(tmp_path, "杭州甲新材料股份有限公司")
    page = login(bank.users["rm_branch"]).get(reverse("meetings:minutes", args=[meeting.pk]))
    assert "杭州甲新材料股份有限公司" in page.content.decode()
    assert "签署内容SHA-256" not in page.content.decode()


def test_it_verifies_every_signature_and_reports_a_tampered_one(committee_bank, run):
    bank = committee_bank
    meeting, _ = _held(bank, run)
    run.sign_as(bank.users["chair"], meeting)
    out = StringIO()
    call_command("meeting", "verify-signatures", stdout=out)
    assert "已核对2个签署，SHA-256全部相符" in out.getvalue()
    sig = Signature.objects.filter(meeting=meeting, role="president").get()
    # someone with the database in hand, around the triggers, rewrites the signed content
    with record_lock.suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meeting_signatures SET content = %s WHERE id = %s",
            [sig.content.replace("杭州甲制造有限公司", "杭州某公司"), sig.pk],
        )
    err = StringIO()
    with pytest.raises(CommandError, match="已核对2个签署，2处不符"):
        call_command("meeting", "verify-signatures", stdout=StringIO(), stderr=err)
    report = err.getvalue()
    assert f"签署{sig.pk}" in report and "签署内容与SHA-256不符" in report
    assert "内容不同" in report


# ─── the signing page ──────────────────────────────────────────────────────────────────────


def test_it_shows_what_is_signed_and_refuses_next_to_the_field(committee_bank, run, login):
    bank = committee_bank
    meeting, _ = _held(bank, run)
    _content, digest = content_to_sign(meeting)
    client = login(bank.users["chair"])
    url = reverse("meetings:sign", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert digest in page and "杭州甲制造有限公司" in page
    assert "以会议主持人身份签署" in page and "第1步，共2步" in page
    response = client.post(
        url, {"role": "presider", "sha256": digest, "opinion": "同意纪要", "password": "x"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "请核对签署内容并勾选确认" in html and "密码不正确" in html
    assert "同意纪要" in html  # what was typed is kept (the password is not)
    assert not Signature.objects.exists()
    good = {"role": "presider", "sha256": digest, "opinion": "同意纪要", "confirm": "on"}
    response = client.post(url, good | {"password": PASSWORD})
    assert response.status_code == 302 and response.url == url  # step 2 follows
    page = client.get(url).content.decode()
    assert "以行长（主任委员）身份签署" in page and "第2步，共2步" in page
    response = client.post(url, good | {"role": "president", "password": PASSWORD})
    assert response.url == reverse("meetings:detail", args=[meeting.pk])
    assert Meeting.objects.get(pk=meeting.pk).status == "signed"
    assert [s.opinion for s in Signature.objects.order_by("pk")] == ["同意纪要", "同意纪要"]


def test_it_keeps_non_signers_off_the_signing_page(committee_bank, run, login):
    bank = committee_bank
    meeting, _ = _held(bank, run)
    url = reverse("meetings:sign", args=[meeting.pk])
    for who in ("vice", "rm_branch", "risk_head"):
        response = login(bank.users[who]).get(url, follow=True)
        assert "您不是本次例会的签署人" in response.content.decode()
    outsider = make_user("outsider", None)
    assert login(outsider).get(url).status_code in (403, 404)
    assert not Signature.objects.exists()


def test_it_signs_each_loans_decision_and_renders_it_from_the_snapshot(committee_bank, run, login):
    """The signed content holds every loan's decision (loan, facts seen, class, reason), so
    the hash covers them; a later change of the live rows — around the triggers — shows in
    none of the signed renderings."""
    import json

    import openpyxl

    from postloan.meetings.documents import canonical, sha256
    from postloan.meetings.models import LoanDecision

    bank = committee_bank
    meeting, items = _held(bank, run)
    run.sign_as(bank.users["chair"], meeting)
    sig = Signature.objects.filter(meeting=meeting).first()
    content = json.loads(sig.content)
    assert sha256(canonical(content)) == sig.content_sha256
    signed = {d["loan_id"]: d for i in content["items"] for d in i["loan_decisions"]}
    live = {d.loan_id: d for d in LoanDecision.objects.filter(item__meeting=meeting)}
    assert set(signed) == set(live) and live
    for loan_id, d in live.items():
        s = signed[loan_id]
        assert (s["decided_class"], s["reason"], s["dpd"]) == (d.decided_class, d.reason, d.dpd)
        assert (s["floor_class"], s["suggested_class"], s["as_of"]) == (
            d.floor_class,
            d.suggested_class,
            d.as_of.isoformat(),
        )
    loan_id = sorted(live)[0]
    label = signed[loan_id]["decided_class_label"]
    with record_lock.suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meeting_loan_decisions SET decided_class = %s, reason = %s WHERE loan_id = %s",
            ["loss", "事后改写的理由", loan_id],
        )
    client = login(bank.users["rm_branch"])
    page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert f"借据{loan_id}：" in page and f"→{label}" in page and "损失" not in page
    item = LoanDecision.objects.get(loan_id=loan_id).item
    form = client.get(reverse("meetings:review_form", args=[item.pk])).content.decode()
    assert f"借据{loan_id}" in form and "事后改写的理由" not in form
    assert signed[loan_id]["reason"] in form
    xlsx = client.get(f"/documents/meetings/{meeting.pk}/decisions.xlsx").content
    rows = [[c.value for c in row] for ws in openpyxl.load_workbook(io.BytesIO(xlsx)) for row in ws]
    mine = [r for r in rows if loan_id in r]
    assert mine and label in mine[0] and "损失" not in mine[0] and "事后改写的理由" not in mine[0]
