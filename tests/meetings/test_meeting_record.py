import datetime as dt

import pytest
from django.contrib import admin as django_admin
from django.test import RequestFactory

from postloan.meetings import actions
from postloan.meetings.admin import MeetingAdmin, ResolutionAdmin
from postloan.meetings.errors import MeetingError, RecordLocked
from postloan.meetings.models import Meeting, Resolution, Signature
from postloan.meetings.tasks import open_resolution_tasks
from tests.meetings.conftest import every_loan, ready_to_close

DEADLINE = dt.date(2026, 12, 31)


def _decide(bank, item, **kw):
    return actions.decide_item(
        item,
        summary=kw.pop("summary", "经营正常，余额偏高"),
        **every_loan(item, kw.pop("class_decided", "normal")),
        method=kw.pop("method", "consensus"),
        acting_user=bank.users["rm_branch"],
        **kw,
    )


def _reduce(bank, item, **kw):
    args = dict(
        type="reduce_exposure",
        params={"target_balance": "3000000", "target_date": "2026-12-31"},
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=DEADLINE,
        acting_user=bank.users["rm_branch"],
    )
    args.update(kw)
    return actions.adopt_resolution(item, **args)


def test_it_needs_more_than_half_of_members_and_a_chair_presiding(committee_bank, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank, present=["P01", "VP01", "CD01"])
    assert meeting.quorum_met is False
    with pytest.raises(MeetingError, match="未达到法定人数"):
        _decide(bank, items["C001"])
    with pytest.raises(MeetingError, match="未达到法定人数"):
        _reduce(bank, items["C001"])


def test_it_has_quorum_with_four_of_seven_and_the_vice_chair_presiding(committee_bank, run):
    meeting, _ = run.held_meeting(
        committee_bank, present=["VP01", "CD01", "RD01", "CM01"], presiding="VP01"
    )
    assert meeting.quorum_met is True


def test_it_refuses_quorum_when_a_department_member_presides(committee_bank, run):
    meeting, _ = run.held_meeting(
        committee_bank, present=["P01", "VP01", "CD01", "RD01", "CM01"], presiding="CD01"
    )
    assert meeting.quorum_met is False


def test_it_recuses_the_member_who_manages_the_customer(committee_bank, run):
    bank = committee_bank
    # 张伟 (C001's account manager) sits on the committee as an individual member
    member = actions.add_member(
        bank.committee, bank.staff["AM01"], "individual", acting_user=bank.users["rm_branch"]
    )
    member.certified_at = member.committee.members.get(staff_id="RV01").certified_at
    member.certificate_file = "meetings/certificates/x.pdf"
    member.basis = "experience"
    member.save()
    meeting, items = run.held_meeting(bank)
    item = items["C001"]
    with pytest.raises(MeetingError, match="回避的委员"):
        _decide(bank, item, method="vote", votes=(6, 1, 0), dissent="反对", dissenters=["AM01"])
    item.refresh_from_db()
    assert list(item.recusals.values_list("staff_id", "reason")) == [
        ("AM01", "该客户的管户客户经理")
    ]
    # 8 present members, 1 recused: at most 7 votes
    with pytest.raises(MeetingError, match="7人"):
        _decide(bank, item, method="vote", votes=(8, 0, 0))
    _decide(bank, item, method="vote", votes=(6, 1, 0), dissent="应压降更多", dissenters=["CD01"])
    item.refresh_from_db()
    assert item.outcome == "adopted"
    assert list(item.dissenters.values_list("staff_id", flat=True)) == ["CD01"]


def test_it_refuses_a_resolution_without_owner_or_deadline_or_target(committee_bank, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    _decide(bank, items["C001"])
    with pytest.raises(MeetingError, match="责任人"):
        _reduce(bank, items["C001"], responsible=None)
    with pytest.raises(MeetingError, match="完成期限"):
        _reduce(bank, items["C001"], deadline=None)
    with pytest.raises(MeetingError, match="目标余额"):
        _reduce(bank, items["C001"], params={})
    res = _reduce(bank, items["C001"])
    assert res.params == {"target_balance": "3000000.00", "target_date": "2026-12-31"}
    assert res.baseline["balance"] == "4000000.00"


def test_it_locks_the_signed_record_and_amends_with_new_signatures(committee_bank, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    _decide(bank, items["C001"])
    res = _reduce(bank, items["C001"])
    assert not open_resolution_tasks(bank.users["am_zhang"]).exists()  # not yet signed
    actions.save_sections(meeting, acting_user=bank.users["rm_branch"], chair_summary="执行。")
    ready_to_close(bank, meeting)
    actions.close_meeting(meeting, acting_user=bank.users["rm_branch"])
    with pytest.raises(MeetingError, match="会议主持人和行长"):
        run.sign_as(bank.users["vice"], meeting, ["presider"])
    with pytest.raises(MeetingError, match="会议主持人和行长"):
        run.sign_as(bank.users["rm_branch"], meeting, ["president"])
    # 周强 presided and is the president: he signs twice, once in each role
    sigs = run.sign_as(bank.users["chair"], meeting)
    assert [s.role for s in sigs] == ["presider", "president"]
    assert len(sigs[0].content_sha256) == 64
    meeting.refresh_from_db()
    assert meeting.status == "signed"
    assert list(open_resolution_tasks(bank.users["am_zhang"])) == [res]
    # no edit by any path: model save, the actions, the admin
    meeting.chair_summary = "改"
    with pytest.raises(RecordLocked):
        meeting.save()
    res.refresh_from_db()
    res.deadline = dt.date(2027, 6, 30)
    with pytest.raises(RecordLocked):
        res.save()
    with pytest.raises(RecordLocked):
        res.delete()
    with pytest.raises(RecordLocked):
        actions.save_sections(meeting, acting_user=bank.users["rm_branch"], chair_summary="x")
    with pytest.raises(RecordLocked):
        Signature.objects.first().save()
    with pytest.raises(RecordLocked):
        Resolution.objects.filter(pk=res.pk).update(deadline=dt.date(2027, 6, 30))
    with pytest.raises(RecordLocked):
        Meeting.objects.filter(pk=meeting.pk).update(chair_summary="改")
    with pytest.raises(RecordLocked):
        meeting.items.all().delete()
    assert Resolution.objects.filter(pk=res.pk).update(check_detail="follow-up") == 1
    request = RequestFactory().get("/")
    request.user = bank.users["admin"]
    assert not MeetingAdmin(Meeting, django_admin.site).has_change_permission(request, meeting)
    assert not ResolutionAdmin(Resolution, django_admin.site).has_delete_permission(request, res)
    # the correction is an amendment that must be signed again
    amendment = actions.propose_amendment(
        meeting, text="补充：追加保证人", acting_user=bank.users["rm_branch"]
    )
    added = actions.adopt_resolution(
        items["C001"],
        type="add_collateral",
        params={"guarantor": "宁波丙电子有限公司"},
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=DEADLINE,
        acting_user=bank.users["rm_branch"],
        amendment=amendment,
    )
    assert not added.in_force
    run.sign_as(bank.users["chair"], meeting, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.signed_at is not None
    added.refresh_from_db()
    assert added.in_force
    assert set(open_resolution_tasks(bank.users["am_zhang"])) == {res, added}


def test_it_puts_a_signed_resolution_in_the_responsible_persons_inbox(committee_bank, run):
    from postloan.web.queries.inbox import grouped

    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    _decide(bank, items["C001"])
    _reduce(bank, items["C001"])
    actions.save_sections(meeting, acting_user=bank.users["rm_branch"], chair_summary="执行。")
    ready_to_close(bank, meeting)
    actions.close_meeting(meeting, acting_user=bank.users["rm_branch"])
    run.sign_as(bank.users["chair"], meeting)

    def resolution_titles(user, today):
        sections = grouped(user, today)["sections"]
        return [i.title for _, _, rows in sections for i in rows if i.category == "例会决议"]

    assert resolution_titles(bank.users["am_zhang"], DEADLINE - dt.timedelta(days=3))
    assert resolution_titles(bank.users["am_zhang"], DEADLINE + dt.timedelta(days=1))
    assert not resolution_titles(bank.users["am_wang"], DEADLINE)
    assert not resolution_titles(bank.users["am_zhang"], dt.date(2026, 11, 20))  # weeks away
