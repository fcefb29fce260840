import datetime as dt

import pytest
from django.core.files.base import ContentFile

from postloan.meetings import actions
from postloan.meetings.committee import committee_validity
from postloan.meetings.errors import MeetingError
from postloan.meetings.models import Notification
from postloan.meetings.notice import notice_due


def test_it_shows_a_full_committee_as_valid(committee_bank):
    v = committee_validity(committee_bank.branches["BR01"])
    assert v.valid, v.problems
    assert v.member_count == 7


def test_it_finds_too_few_members_at_a_branch(committee_bank):
    actions.remove_member(
        committee_bank.members["RD01"], acting_user=committee_bank.users["rm_branch"]
    )
    v = committee_validity(committee_bank.branches["BR01"])
    assert not v.valid
    assert "少于分行最少7人" in v.problems[0]


def test_it_requires_a_chair(committee_bank):
    actions.remove_member(
        committee_bank.members["P01"], acting_user=committee_bank.users["rm_branch"]
    )
    problems = committee_validity(committee_bank.branches["BR01"]).problems
    assert "未设主任委员" in problems


def test_it_rejects_an_uncertified_individual_member(committee_bank):
    bank = committee_bank
    s = bank.staff["AM01"]
    actions.add_member(bank.committee, s, "individual", acting_user=bank.users["rm_branch"])
    problems = committee_validity(bank.branches["BR01"]).problems
    assert problems == ["个人委员张伟的资格未经信贷管理部门认定"]


def test_it_certifies_only_by_credit_management_and_only_the_qualified(committee_bank):
    bank = committee_bank
    member = actions.add_member(
        bank.committee, bank.staff["AM02"], "individual", acting_user=bank.users["rm_branch"]
    )
    cert = ContentFile(b"%PDF-1.4 cert", name="c.pdf")
    with pytest.raises(MeetingError, match="信贷管理部门"):
        actions.certify_member(
            member,
            acting_user=bank.users["chair"],
            basis="experience",
            certificate_no="1",
            certificate_file=cert,
        )
    # 王芳 has 3 years of credit experience: not enough
    with pytest.raises(MeetingError, match="不符合"):
        actions.certify_member(
            member,
            acting_user=bank.users["credit_head"],
            basis="experience",
            certificate_no="1",
            certificate_file=cert,
        )
    # the reviewer post qualifies with 3 years; the certificate is kept with who and when
    reviewer = bank.members["RV01"]
    reviewer.refresh_from_db()
    assert reviewer.certified_by == bank.users["credit_head"]
    assert reviewer.certified_at is not None
    assert reviewer.certificate_file.read() == b"%PDF-1.4 cert"


def test_it_refuses_to_hold_a_meeting_with_an_invalid_committee(committee_bank, run):
    bank = committee_bank
    actions.remove_member(bank.members["RD01"], acting_user=bank.users["rm_branch"])
    with pytest.raises(MeetingError, match="委员会不符合规定"):
        run.held_meeting(bank)


def test_it_needs_five_members_at_a_sub_branch(bank):
    sb = bank.branches["SB01"]
    sec = bank.users["rm_xihu"]
    committee = actions.set_up_committee(sb, acting_user=sec)
    for sid, role in [("AM01", "chair"), ("RM02", "department")]:
        actions.add_member(committee, bank.staff[sid], role, acting_user=sec)
    assert "少于支行最少5人" in committee_validity(sb).problems[0]


def test_it_counts_seven_working_days_across_mid_autumn_and_national_day(bank):
    # 2026-10-12: the 中秋 and 国庆 holidays (and their make-up days) lie in between
    assert notice_due(bank.branches["BR01"], dt.date(2026, 10, 12)) == dt.date(2026, 9, 24)


def test_it_refuses_a_notice_sent_too_late(committee_bank):
    from postloan.core.business_date import set_business_date

    bank = committee_bank
    sec = bank.users["rm_branch"]
    # too late already when the regular meeting is arranged (business date 2026-10-31)
    with pytest.raises(MeetingError, match="最迟2026-10-28"):
        actions.schedule_meeting(bank.branches["BR01"], dt.date(2026, 11, 6), acting_user=sec)
    # arranged in time, but the notice is not sent by its last day
    set_business_date(dt.date(2026, 10, 20), only_forward=False)
    meeting = actions.schedule_meeting(bank.branches["BR01"], dt.date(2026, 11, 6), acting_user=sec)
    assert meeting.notice_due == dt.date(2026, 10, 28)
    set_business_date(dt.date(2026, 10, 29), only_forward=False)
    with pytest.raises(MeetingError, match="最迟2026-10-28"):
        actions.send_notice(meeting, acting_user=sec)


def test_it_notifies_members_account_managers_and_risk_staff(committee_bank):
    bank = committee_bank
    sec = bank.users["rm_branch"]
    meeting = actions.schedule_meeting(
        bank.branches["BR01"], dt.date(2026, 11, 18), acting_user=sec
    )
    assert [i.customer_id for i in meeting.items.all()] == ["C001"]
    actions.send_notice(meeting, acting_user=sec)
    got = dict(
        Notification.objects.filter(meeting=meeting).values_list("recipient_id", "recipient_role")
    )
    assert got == {
        "P01": "member",
        "VP01": "member",
        "CD01": "member",
        "RD01": "member",
        "CM01": "member",
        "RK01": "member",
        "RV01": "member",
        "AM01": "account_manager",  # C001's manager
        "RM01": "risk_manager",
        "RM02": "risk_manager",
    }
    assert "AM02" not in got  # C003 is not on the agenda


def test_it_keeps_the_written_reason_for_agenda_changes_and_leave_goes_to_the_chair(committee_bank):
    bank = committee_bank
    sec = bank.users["rm_branch"]
    meeting = actions.schedule_meeting(
        bank.branches["BR01"], dt.date(2026, 11, 18), acting_user=sec
    )
    actions.send_notice(meeting, acting_user=sec)
    with pytest.raises(MeetingError, match="书面理由"):
        actions.add_agenda_item(meeting, bank.customers["C003"], reason=" ", acting_user=sec)
    item = actions.add_agenda_item(
        meeting, bank.customers["C003"], reason="连续两期欠息", acting_user=sec
    )
    assert item.reasons == ["manual"]
    assert meeting.agenda_changes.get().reason == "连续两期欠息"
    assert Notification.objects.filter(meeting=meeting, recipient_id="AM02").exists()
    with pytest.raises(MeetingError):
        actions.add_agenda_item(
            meeting, bank.customers["C003"], reason="x", acting_user=bank.users["am_zhang"]
        )
    leave = actions.request_leave(meeting, reason="出差", acting_user=bank.users["vice"])
    with pytest.raises(MeetingError, match="主任委员审批"):
        actions.decide_leave(leave, approve=True, acting_user=bank.users["rm_branch"])
    actions.decide_leave(leave, approve=True, acting_user=bank.users["chair"])
    leave.refresh_from_db()
    assert leave.status == "approved"
