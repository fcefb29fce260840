"""内控矩阵：例会审议与纪要可见范围 — each control tried through every path that exists:
the web page, the REST API, the maintenance pages (admin) and the command line."""

import io

import pytest
from django.contrib import admin as django_admin
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory

from postloan.api.tokens import issue_token
from postloan.meetings import actions
from postloan.meetings.admin import AgendaItemAdmin, LoanDecisionAdmin, MeetingAdmin
from postloan.meetings.errors import MeetingError
from postloan.meetings.models import AgendaItem, LoanDecision, Meeting


def _admin_request(bank):
    request = RequestFactory().get("/admin/")
    request.user = bank.users["admin"]
    return request


def test_it_keeps_the_class_decision_to_the_meetings_action_on_every_path(committee_bank, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    item = items["C003"]
    web = Client()
    web.force_login(bank.users["rm_branch"])
    # web: no class chosen → refused next to the loan, nothing written
    page = web.post(
        f"/meetings/items/{item.pk}/",
        {"op": "decide", "summary": "审议", "class__L003": "", "method": "consensus"},
    ).content.decode()
    assert "请选择该借据的审议认定分类" in page
    # web: better than the floor → refused naming the rule
    page = web.post(
        f"/meetings/items/{item.pk}/",
        {"op": "decide", "summary": "审议", "class__L003": "normal", "method": "consensus"},
    ).content.decode()
    assert "第九条" in page and "至少归为关注类" in page
    assert not LoanDecision.objects.exists()
    # API: no write on meetings at all
    reader = Client()
    reader.force_login(bank.users["am_zhang"])  # the document is served after login
    schema = reader.get("/api/openapi.json").json()
    for path, ops in schema["paths"].items():
        if "meeting" in path or "resolution" in path:
            assert set(ops) <= {"get"}, path
    # admin: the decided fields are read only, the per-loan decisions cannot be added or changed
    request = _admin_request(bank)
    item_admin = AgendaItemAdmin(AgendaItem, django_admin.site)
    assert {"class_decided", "outcome", "deferred_reason", "report_excuse"} <= set(
        item_admin.get_readonly_fields(request, item)
    )
    assert "quorum_met" in MeetingAdmin(Meeting, django_admin.site).get_readonly_fields(
        request, meeting
    )
    loan_admin = LoanDecisionAdmin(LoanDecision, django_admin.site)
    assert not loan_admin.has_add_permission(request)
    assert not loan_admin.has_change_permission(request)
    assert not loan_admin.has_delete_permission(request)
    # CLI: the meeting command only plans and verifies; it decides nothing
    out = io.StringIO()
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("meeting", "decide", stdout=out, stderr=out)


def test_it_refuses_the_class_decision_without_quorum_or_from_a_recused_member(committee_bank, run):
    from postloan.meetings.models import Recusal

    bank = committee_bank
    meeting, items = run.held_meeting(bank, present=["P01", "VP01", "CD01"])
    web = Client()
    web.force_login(bank.users["chair"])
    page = web.post(
        f"/meetings/items/{items['C003'].pk}/",
        {
            "op": "decide",
            "summary": "审议",
            "class__L003": "special_mention",
            "method": "consensus",
        },
    ).content.decode()
    assert "未达到法定人数" in page
    assert AgendaItem.objects.get(pk=items["C003"].pk).outcome == "pending"
    meeting2, items2 = run.held_meeting(bank, date=meeting.date.replace(day=25))
    Recusal.objects.create(item=items2["C003"], staff=bank.staff["P01"], reason="关联关系")
    page = web.post(
        f"/meetings/items/{items2['C003'].pk}/",
        {
            "op": "decide",
            "summary": "审议",
            "class__L003": "special_mention",
            "method": "consensus",
        },
    ).content.decode()
    assert "须回避" in page


def test_it_does_not_close_with_undecided_customers_or_unexplained_reports(committee_bank, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    actions.save_sections(meeting, acting_user=bank.users["rm_branch"], chair_summary="总结")
    web = Client()
    web.force_login(bank.users["rm_branch"])
    resp = web.post(f"/meetings/{meeting.pk}/close/", follow=True)
    assert "尚有客户未审议也未暂缓" in resp.content.decode()
    for item in items.values():
        actions.defer_item(item, reason="下次审议", acting_user=bank.users["rm_branch"])
    resp = web.post(f"/meetings/{meeting.pk}/close/", follow=True)
    assert "须由会议主持人说明原因" in resp.content.decode()
    # the secretary may not explain in the chair's place, through the page either
    page = web.post(
        f"/meetings/items/{items['C001'].pk}/", {"op": "excuse", "reason": "我来说明"}
    ).content.decode()
    assert "只有会议主持人" in page
    with pytest.raises(MeetingError, match="只有会议主持人"):
        actions.excuse_missing_report(
            items["C001"], reason="x", acting_user=bank.users["rm_branch"]
        )
    assert Meeting.objects.get(pk=meeting.pk).status == "in_progress"


def test_it_keeps_the_minutes_from_an_account_manager_without_a_customer_on_them(
    committee_bank, run
):
    from postloan.org.models import Staff
    from tests.factories import make_user

    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    stranger = make_user(
        "am_stranger",
        Staff.objects.create(
            staff_id="AM08",
            name="钟诚",
            branch=bank.branches["BR01"],
            department="corporate",
            position="account_manager",
        ),
        "account_manager",
    )
    web = Client()
    web.force_login(stranger)
    for url in (
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/minutes/",
        f"/documents/meetings/{meeting.pk}/minutes.docx",
        f"/documents/meetings/{meeting.pk}/decisions.xlsx",
        f"/meetings/items/{items['C001'].pk}/",
    ):
        resp = web.get(url)
        assert resp.status_code == 403, url
        assert "杭州甲制造有限公司" not in resp.content.decode("utf-8", "ignore")
    _token, raw = issue_token(stranger, scopes=["read"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(f"/api/meetings/{meeting.pk}").status_code == 403
    assert meeting.pk not in [m["id"] for m in api.get("/api/meetings").json()["items"]]
    assert api.get(f"/api/resolutions?meeting_id={meeting.pk}").json()["items"] == []
    # admin: only admins and auditors reach the maintenance pages
    assert web.get(f"/admin/meetings/agendaitem/{items['C001'].pk}/change/").status_code == 302
