import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from postloan.meetings import actions
from postloan.meetings.models import Meeting
from tests.meetings.conftest import MEETING_DATE, every_loan, ready_to_close


def test_it_shows_the_plan_and_downloads_its_json(committee_bank, login):
    client = login(committee_bank.users["rm_branch"])
    url = reverse("meetings:plan")
    page = client.get(url, {"branch": "BR01", "date": "2026-11-18"})
    assert page.status_code == 200
    assert "杭州甲制造有限公司" in page.content.decode()
    got = client.get(url, {"branch": "BR01", "date": "2026-11-18", "format": "json"})
    assert json.loads(got.content)["customers"] == [
        {"customer_id": "C001", "reasons": ["large_credit"], "batch": False, "rank": 1}
    ]
    bad = client.get(url, {"branch": "BR01", "date": "2026-13-40"})
    assert "有效的日期" in bad.content.decode() or "日期" in bad.content.decode()


def test_it_schedules_from_the_plan_page_and_lists_missing_reports(committee_bank, login):
    client = login(committee_bank.users["rm_branch"])
    resp = client.post(
        reverse("meetings:plan"),
        {"branch": "BR01", "date": "2026-11-18", "kind": "", "location": "三楼"},
    )
    meeting = Meeting.objects.get()
    assert resp.url == reverse("meetings:detail", args=[meeting.pk])
    page = client.get(resp.url).content.decode()
    assert "未提交汇报材料" in page and "张伟" in page
    # too late for the notice: refused in Chinese
    late = client.post(reverse("meetings:plan"), {"branch": "BR01", "date": "2026-10-30"})
    assert "会议日期不能早于业务日期" in late.content.decode()


def test_it_lets_only_the_account_manager_submit_the_report(committee_bank, login):
    bank = committee_bank
    meeting = actions.schedule_meeting(
        bank.branches["BR01"], MEETING_DATE, acting_user=bank.users["rm_branch"]
    )
    item = meeting.items.get(customer_id="C001")
    url = reverse("meetings:report", args=[item.pk])
    assert login(bank.users["am_wang"]).get(url).status_code == 403  # no customer of hers
    client = login(bank.users["am_zhang"])
    page = client.get(url).content.decode()
    assert "销售资金归行率" in page and "宁波丙电子" not in page  # flows summarised, not listed
    data = {"op": "submit", "measures": "压降余额"}
    resp = client.post(url, data)
    assert resp.status_code == 302
    item.report.refresh_from_db()
    assert item.report.status == "submitted"
    assert item.report.answers["measures"] == "压降余额"


def test_it_certifies_through_the_committee_page(committee_bank, login):
    bank = committee_bank
    member = actions.add_member(
        bank.committee, bank.staff["RM01"], "individual", acting_user=bank.users["rm_branch"]
    )
    client = login(bank.users["credit_head"])
    url = reverse("meetings:committee", args=["BR01"])
    assert "不符合规定" in client.get(url).content.decode()
    resp = client.post(
        url,
        {
            "op": "certify",
            "member": member.pk,
            "basis": "embedded_risk",
            "certificate_no": "信管认〔2026〕2号",
            "certificate_file": SimpleUploadedFile("c.pdf", b"%PDF-1.4 cert"),
        },
    )
    assert resp.status_code == 302
    assert "符合规定" in client.get(url).content.decode()


def test_it_keeps_the_input_and_explains_a_refused_resolution(committee_bank, login, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    client = login(bank.users["rm_branch"])
    url = reverse("meetings:item", args=[items["C001"].pk])
    client.post(
        url,
        {"op": "decide", "summary": "审议", "class__L001": "normal", "method": "consensus"},
    )
    page = client.post(
        url,
        {
            "op": "resolve",
            "type": "reduce_exposure",
            "target_balance": "3000000",
            "department": "corporate",
            "responsible": "",
            "deadline": "2026-12-31",
        },
    ).content.decode()
    assert "决议须明确责任人" in page
    assert 'value="3000000' in page
    resp = client.post(
        url,
        {
            "op": "resolve",
            "type": "reduce_exposure",
            "target_balance": "3000000",
            "department": "corporate",
            "responsible": "AM01",
            "deadline": "2026-12-31",
        },
    )
    assert resp.status_code == 302
    assert items["C001"].resolutions.count() == 1


def test_it_prints_minutes_and_review_forms_and_refuses_other_signers(committee_bank, login, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    actions.decide_item(
        items["C001"],
        summary="经营稳定",
        **every_loan(items["C001"], "normal"),
        method="consensus",
        acting_user=bank.users["rm_branch"],
    )
    actions.save_sections(meeting, acting_user=bank.users["rm_branch"], chair_summary="总结")
    ready_to_close(bank, meeting)
    actions.close_meeting(meeting, acting_user=bank.users["rm_branch"])
    vice = login(bank.users["vice"])
    resp = vice.post(reverse("meetings:sign", args=[meeting.pk]), follow=True)
    assert "只有会议主持人和行长" in resp.content.decode()
    chair = login(bank.users["chair"])
    run.sign_as(bank.users["chair"], meeting)
    minutes = chair.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "会议纪要" in minutes and "size: A4" in minutes and "SHA-256" in minutes
    form = chair.get(reverse("meetings:review_form", args=[items["C001"].pk])).content.decode()
    assert "贷后管理例会审议表" in form and "经营稳定" in form


def test_it_lists_my_meeting_notices_and_the_oversight(committee_bank, login):
    bank = committee_bank
    meeting = actions.schedule_meeting(
        bank.branches["BR01"], MEETING_DATE, acting_user=bank.users["rm_branch"]
    )
    actions.send_notice(meeting, acting_user=bank.users["rm_branch"])
    page = login(bank.users["am_zhang"]).get(reverse("meetings:notices")).content.decode()
    assert "杭州分行月度例会通知" in page
    assert (
        login(bank.users["am_wang"])
        .get(reverse("meetings:notices"))
        .content.decode()
        .count("例会通知（")
        == 0
    )
    # the 支行 hold no meetings here: switch SB01 back on and look from the 分行
    bank.branches["SB01"].holds_meetings = True
    bank.branches["SB01"].save(update_fields=["holds_meetings"])
    page = login(bank.users["chair"]).get(reverse("meetings:oversight")).content.decode()
    assert "西湖支行" in page and "2026-09" in page


def test_it_shows_every_page_to_the_secretary(committee_bank, login, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    client = login(bank.users["rm_branch"])
    for name, args in [
        ("meetings:home", []),
        ("meetings:detail", [meeting.pk]),
        ("meetings:settings", ["BR01"]),
        ("meetings:tasks", []),
        ("meetings:item", [items["C001"].pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    resp = client.post(
        reverse("meetings:settings", args=["BR01"]),
        {
            "large_credit_threshold": "abc",
            "quarter_months": "3,6,9,12",
            "notice_working_days": "7",
            "report_working_days": "2",
            "quorum_ratio": "0.5",
            "min_members_branch": "7",
            "min_members_sub_branch": "5",
            "individual_min_years": "5",
            "finding_lookback_days": "90",
            "reminder_days": "5",
        },
    )
    assert resp.status_code == 200 and "abc" in resp.content.decode()
    assert dt.date(2026, 11, 18) == meeting.date
