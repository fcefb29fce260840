"""内控矩阵：签署与记录锁定 (docs/security.md) — each control tried through web, API, admin, CLI."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from postloan.api.models import Scope
from postloan.api.tokens import issue_token
from postloan.core.models import AuditEvent
from postloan.meetings import actions
from postloan.meetings.actions.signing import content_to_sign
from postloan.meetings.errors import MeetingError, RecordLocked
from postloan.meetings.models import CommitteeMember, Meeting, Signature
from tests.factories import PASSWORD


def _held(bank, run):
    sec = bank.users["rm_branch"]
    meeting, items = run.held_meeting(bank)
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
    actions.save_sections(meeting, acting_user=sec, chair_summary="按决议执行。")
    run.ready_to_close(bank, meeting)
    actions.close_meeting(meeting, acting_user=sec)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def held(committee_bank, run):
    return _held(committee_bank, run)


@pytest.fixture
def signed(committee_bank, run, held):
    run.sign_as(committee_bank.users["chair"], held)
    held.refresh_from_db()
    return held


# ─── 签署须本人意见、确认与密码 ────────────────────────────────────────────────────────────


def test_web_refuses_a_one_click_signature(committee_bank, held, login):
    client = login(committee_bank.users["chair"])
    url = reverse("meetings:sign", args=[held.pk])
    response = client.post(url, {"role": "presider"})  # the old one-click form
    assert response.status_code == 400
    html = response.content.decode()
    for message in ("请填写签署意见", "请核对签署内容并勾选确认", "请输入登录密码"):
        assert message in html
    assert not Signature.objects.exists()


def test_web_refuses_a_signature_of_content_changed_since_it_was_read(committee_bank, held, login):
    _c, digest = content_to_sign(held)
    Meeting.objects.filter(pk=held.pk).update(location="临时改到五楼")  # not yet signed: allowed
    response = login(committee_bank.users["chair"]).post(
        reverse("meetings:sign", args=[held.pk]),
        {
            "role": "presider",
            "sha256": digest,
            "opinion": "同意",
            "confirm": "on",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400 and "已有变化" in response.content.decode()
    assert not Signature.objects.exists()


def test_api_offers_no_way_to_sign_or_change_a_meeting(committee_bank, signed, client):
    _t, raw = issue_token(committee_bank.users["chair"], scopes=Scope.values)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for path in (f"/api/meetings/{signed.pk}/sign", f"/api/meetings/{signed.pk}"):
        assert client.post(path, {}, content_type="application/json", **auth).status_code in (
            404,
            405,
        )
    # a token is not a login: it opens no web page, the signing page included
    response = client.get(reverse("meetings:sign", args=[signed.pk]), **auth)
    assert response.status_code == 302 and "/login" in response.url
    assert Signature.objects.count() == 2


def test_admin_cannot_add_change_or_delete_a_signature(committee_bank, signed, login):
    admin = login(committee_bank.users["admin"])
    sig = Signature.objects.first()
    assert admin.get("/admin/meetings/signature/add/").status_code == 403
    post = admin.post(f"/admin/meetings/signature/{sig.pk}/change/", {"opinion": "改"})
    assert post.status_code == 403
    post = admin.post(f"/admin/meetings/signature/{sig.pk}/delete/", {"post": "yes"})
    assert post.status_code == 403
    assert Signature.objects.get(pk=sig.pk).opinion == "同意"


# ─── 签署人开会时确定 ──────────────────────────────────────────────────────────────────────


def test_admin_seat_change_after_the_start_does_not_move_the_signer(
    committee_bank, held, login, run
):
    bank = committee_bank
    admin = login(bank.users["admin"])
    committee = bank.committee
    members = list(committee.members.order_by("pk"))
    data = {
        "branch": committee.branch_id,
        "established_on": "",
        "note": "",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(members)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for n, m in enumerate(members):
        role = {"P01": "department", "VP01": "chair"}.get(m.staff_id, m.role)
        data |= {
            f"members-{n}-id": str(m.pk),
            f"members-{n}-committee": str(committee.pk),
            f"members-{n}-staff": m.staff_id,
            f"members-{n}-role": role,
            f"members-{n}-active": "on",
            f"members-{n}-basis": m.basis,
            f"members-{n}-certificate_no": m.certificate_no,
        }
    response = admin.post(f"/admin/meetings/committee/{committee.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CommitteeMember.objects.get(committee=committee, staff_id="VP01").role == "chair"
    held.refresh_from_db()
    assert held.president_id == "P01"
    with pytest.raises(MeetingError, match="只有会议主持人和行长"):
        run.sign_as(bank.users["vice"], held, ["president"])
    run.sign_as(bank.users["chair"], held)
    assert Meeting.objects.get(pk=held.pk).status == "signed"


def test_product_committee_changes_are_audited(committee_bank):
    bank = committee_bank
    sec = bank.users["rm_branch"]
    before = AuditEvent.objects.count()
    actions.remove_member(bank.members["RV01"], acting_user=sec)
    actions.add_member(bank.committee, bank.staff["RV01"], "individual", acting_user=sec)
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.action, e.actor) for e in rows] == [
        ("meetings.committee.member_removed", sec),
        ("meetings.committee.member_added", sec),
    ]
    assert rows[0].before["active"] is True and rows[0].after["active"] is False


def test_business_date_and_role_changes_are_audited(bank):
    import datetime as dt

    from postloan.core.business_date import set_business_date
    from postloan.org.roles import grant_role

    set_business_date(dt.date(2026, 11, 30), acting_user=bank.users["admin"], reason="月末")
    event = AuditEvent.objects.get(action="core.business_date_set", reason="月末")
    assert event.before == {"as_of": "2026-10-31"} and event.after == {"as_of": "2026-11-30"}
    assert event.actor == bank.users["admin"]
    grant_role(bank.users["am_wang"], "risk_manager", acting_user=bank.users["admin"])
    event = AuditEvent.objects.get(action="org.role_granted")
    assert event.before == {"roles": ["account_manager"]}
    assert event.after == {"roles": ["account_manager", "risk_manager"]}
    assert event.actor == bank.users["admin"]


# ─── 已签署记录锁定（ORM 与数据库） ─────────────────────────────────────────────────────────


def test_web_cannot_change_a_signed_record(committee_bank, signed, login):
    client = login(committee_bank.users["rm_branch"])
    response = client.post(
        reverse("meetings:sections", args=[signed.pk]), {"chair_summary": "事后改写"}, follow=True
    )
    assert "已签署锁定" in response.content.decode()
    assert Meeting.objects.get(pk=signed.pk).chair_summary == "按决议执行。"


def test_admin_cannot_change_a_signed_meeting(committee_bank, signed, login):
    admin = login(committee_bank.users["admin"])
    post = admin.post(f"/admin/meetings/meeting/{signed.pk}/change/", {"chair_summary": "改"})
    assert post.status_code == 403
    assert (
        admin.post(f"/admin/meetings/meeting/{signed.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Meeting.objects.get(pk=signed.pk).chair_summary == "按决议执行。"


def test_cli_code_cannot_change_a_signed_record_by_orm_or_sql(signed):
    with pytest.raises(RecordLocked):
        Meeting.objects.filter(pk=signed.pk).update(chair_summary="改")
    for sql in (
        "UPDATE meetings SET chair_summary = 'x' WHERE id = %s",
        "DELETE FROM meeting_signatures WHERE meeting_id = %s",
        "UPDATE core_auditevent SET reason = 'x' WHERE id > %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [0 if "auditevent" in sql else signed.pk])
    assert Signature.objects.filter(meeting=signed).count() == 2


def test_cli_verify_signatures_finds_a_row_changed_around_the_locks(signed):
    from postloan.meetings import record_lock

    call_command("meeting", "verify-signatures", stdout=StringIO())
    with record_lock.suspended(connection), connection.cursor() as c:
        c.execute(
            "UPDATE meeting_signatures SET content_sha256 = %s WHERE meeting_id = %s",
            ["f" * 64, signed.pk],
        )
    with pytest.raises(CommandError, match="2处不符"):
        call_command("meeting", "verify-signatures", stdout=StringIO(), stderr=StringIO())


def test_api_import_renaming_a_customer_leaves_the_signed_minutes(
    committee_bank, signed, client, login
):
    _t, raw = issue_token(committee_bank.users["rm_branch"], scopes=Scope.values)
    csv = (
        "customer_id,name,type,branch_code,manager_id,industry_code,region_code,actual_controller\n"
        "C001,杭州甲新材料股份有限公司,corporate,SB01,AM01,C3011,330106,赵刚\n"
    )
    upload = SimpleUploadedFile("customers.csv", csv.encode(), "text/csv")
    r = client.post(
        "/api/imports",
        {"files": [upload], "as_of": "2026-10-31"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200 and r.json()["ok"] is True, r.content
    page = login(committee_bank.users["rm_branch"]).get(
        reverse("meetings:minutes", args=[signed.pk])
    )
    html = page.content.decode()
    assert "杭州甲制造有限公司" in html and "杭州甲新材料" not in html
    digest = Signature.objects.filter(meeting=signed).first().content_sha256
    assert digest in html
