"""The meeting decides with the facts in front of it: per loan, no default class, bounded by the
floors, only with a quorum and never by a recused member; closing needs every customer decided
or deferred and every missing report explained; ad-hoc meetings may be called at short notice."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from postloan.core.audit import AuditEvent
from postloan.meetings import actions
from postloan.meetings.errors import MeetingError
from postloan.meetings.models import LoanDecision
from tests.meetings.conftest import every_loan


def _decide(bank, item, classes, reasons=None, user="rm_branch", **kw):
    return actions.decide_item(
        item,
        summary=kw.pop("summary", "逾期41天，已催收"),
        loan_classes=classes,
        loan_reasons=reasons or {},
        method=kw.pop("method", "consensus"),
        acting_user=bank.users[user],
        **kw,
    )


def test_it_shows_the_facts_and_preselects_no_class(committee_bank, run, login):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    page = login(bank.users["rm_branch"]).get(reverse("meetings:item", args=[items["C003"].pk]))
    html = page.content.decode()
    facts = html[html.index('id="loan-facts"') : html.index('id="open-signals"')]
    # L003: 3,000,000.00 元, 41 days past due, 关注 on the books, suggested and floor 关注
    assert "L003" in facts and "3,000,000.00" in facts and ">41<" in facts
    assert facts.count("关注") >= 3 and "第九条" in facts
    signals = html[html.index('id="open-signals"') : html.index("客户经理汇报")]
    assert "没有未消除的预警信号" not in signals  # C003's overdue signal is listed
    assert 'id="report-items"' in html and "持续经营的合法性" in html
    table = html[
        html.index('id="decision-table"') : html.index(
            "</table>", html.index('id="decision-table"')
        )
    ]
    assert 'name="class__L003"' in table
    assert '<option value="" selected>请选择</option>' in table
    assert not re.search(r'value="[a-z_]+" selected', table)  # no class, no default
    assert '<option value="" selected>请选择</option>' in html  # nor a decision method


def test_it_refuses_a_class_better_than_the_floor_next_to_the_loan(committee_bank, run, login):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    item = items["C003"]
    client = login(bank.users["rm_branch"])
    url = reverse("meetings:item", args=[item.pk])
    page = client.post(
        url,
        {
            "op": "decide",
            "summary": "客户称下月还款",
            "class__L003": "normal",
            "method": "consensus",
        },
    ).content.decode()
    row = page[
        page.index('name="class__L003"') : page.index("</tr>", page.index('name="class__L003"'))
    ]
    assert "不能认定为正常类" in row and "第九条" in row and "至少归为关注类" in row
    assert "客户称下月还款" in page  # what was typed is kept
    assert '<option value="normal" selected>' in row
    item.refresh_from_db()
    assert item.outcome == "pending" and not LoanDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="meetings.item.decided").exists()
    # a worse class than suggested needs a reason, written next to the loan
    page = client.post(
        url,
        {"op": "decide", "summary": "审议", "class__L003": "substandard", "method": "consensus"},
    ).content.decode()
    assert "审议认定与系统建议不同，须写明理由" in page
    resp = client.post(
        url,
        {
            "op": "decide",
            "summary": "还款来源不足",
            "class__L003": "substandard",
            "reason__L003": "销售回款连续下降",
            "method": "consensus",
        },
    )
    assert resp.status_code == 302
    d = LoanDecision.objects.get()
    assert (d.loan_id, d.current_class, d.suggested_class, d.floor_class, d.decided_class) == (
        "L003",
        "special_mention",
        "special_mention",
        "special_mention",
        "substandard",
    )
    assert (d.dpd, d.balance, d.reason) == (41, 3000000, "销售回款连续下降")
    item.refresh_from_db()
    assert (item.class_before, item.class_decided, item.outcome) == (
        "special_mention",
        "substandard",
        "adopted",
    )


def test_it_needs_every_loan_decided(committee_bank, run):
    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    with pytest.raises(MeetingError) as exc:
        _decide(bank, items["C003"], {})
    assert exc.value.errors == {"class__L003": "请选择该借据的审议认定分类"}
    with pytest.raises(MeetingError, match="不属于该客户"):
        _decide(bank, items["C003"], {"L003": "special_mention", "L001": "normal"})


def test_it_decides_no_class_without_a_quorum(committee_bank, run, login):
    bank = committee_bank
    meeting, items = run.held_meeting(bank, present=["P01", "VP01", "CD01"])
    assert meeting.quorum_met is False
    item = items["C003"]
    with pytest.raises(MeetingError, match="未达到法定人数"):
        _decide(bank, item, {"L003": "special_mention"})
    page = login(bank.users["chair"]).post(
        reverse("meetings:item", args=[item.pk]),
        {
            "op": "decide",
            "summary": "审议",
            "class__L003": "special_mention",
            "method": "consensus",
        },
    )
    assert "未达到法定人数" in page.content.decode()
    with pytest.raises(MeetingError, match="未达到法定人数"):
        actions.decide_batch(meeting, summary="批量", acting_user=bank.users["rm_branch"])
    item.refresh_from_db()
    assert item.outcome == "pending" and item.class_decided == ""
    # without a quorum the customers can only be deferred, with a written reason
    with pytest.raises(MeetingError, match="暂缓审议须写明理由"):
        actions.defer_item(item, reason=" ", acting_user=bank.users["rm_branch"])
    actions.defer_item(
        item, reason="未达到法定人数，下次例会审议", acting_user=bank.users["rm_branch"]
    )
    item.refresh_from_db()
    assert (item.outcome, item.deferred_reason) == ("deferred", "未达到法定人数，下次例会审议")


def test_it_refuses_the_decision_from_a_recused_member(committee_bank, run):
    from postloan.meetings.models import Recusal

    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    item = items["C003"]
    # the chair (周强) is related to the customer: recused, so he may not record its class
    Recusal.objects.create(item=item, staff=bank.staff["P01"], reason="与该客户存在关联关系")
    with pytest.raises(MeetingError, match="须回避"):
        _decide(bank, item, {"L003": "special_mention"}, user="chair")
    _decide(bank, item, {"L003": "special_mention"})  # the secretary records it
    item.refresh_from_db()
    assert item.outcome == "adopted"


def test_it_closes_only_with_every_customer_decided_or_deferred(committee_bank, run):
    bank = committee_bank
    sec = bank.users["rm_branch"]
    meeting, items = run.held_meeting(bank)
    _decide(bank, items["C001"], every_loan(items["C001"], "normal")["loan_classes"])
    actions.save_sections(meeting, acting_user=sec, chair_summary="总结")
    with pytest.raises(MeetingError, match="尚有客户未审议也未暂缓.*杭州乙贸易有限公司"):
        actions.close_meeting(meeting, acting_user=sec)
    actions.defer_item(items["C003"], reason="待补充担保材料", acting_user=sec)
    # the reports nobody submitted block closing until the presiding member says why
    with pytest.raises(MeetingError, match="须由会议主持人说明原因.*杭州甲制造有限公司"):
        actions.close_meeting(meeting, acting_user=sec)
    with pytest.raises(MeetingError, match="只有会议主持人"):
        actions.excuse_missing_report(items["C001"], reason="口头汇报", acting_user=sec)
    actions.excuse_missing_report(items["C001"], reason="口头汇报", acting_user=bank.users["chair"])
    with pytest.raises(MeetingError, match="须由会议主持人说明原因.*杭州乙贸易有限公司"):
        actions.close_meeting(meeting, acting_user=sec)
    actions.excuse_missing_report(
        items["C003"], reason="客户经理外出", acting_user=bank.users["chair"]
    )
    actions.close_meeting(meeting, acting_user=sec)
    meeting.refresh_from_db()
    assert meeting.status == "held"


def _closed_with_l003_substandard(bank, run):
    sec = bank.users["rm_branch"]
    meeting, items = run.held_meeting(bank)
    _decide(bank, items["C003"], {"L003": "substandard"}, {"L003": "回款不足"})
    # C001 is voted down (2 of 7 for): its proposal stays on the record only
    _decide(bank, items["C001"], {"L001": "normal"}, method="vote", votes=(2, 5, 0))
    actions.save_sections(meeting, acting_user=sec, chair_summary="总结")
    run.ready_to_close(bank, meeting)
    return meeting, items


def test_it_makes_each_adopted_class_the_loans_committee_classification(committee_bank, run):
    """At closing every adopted loan's class becomes its 认定 through the risk app (no fake):
    the committee's decision row names the meeting and item, and the loan's one current class
    follows; a loan whose customer was voted down keeps its class."""
    from postloan.risk.current import current_class
    from postloan.risk.models import ClassificationDecision

    bank = committee_bank
    meeting, items = _closed_with_l003_substandard(bank, run)
    l003 = LoanDecision.objects.get(loan_id="L003")
    before_l001 = current_class(LoanDecision.objects.get(loan_id="L001").assessment)
    actions.close_meeting(meeting, acting_user=bank.users["rm_branch"])

    row = ClassificationDecision.objects.get(loan_id="L003")
    assert (row.kind, row.to_class, row.reason) == ("committee", "substandard", "回款不足")
    assert (row.meeting_id, row.agenda_item_id) == (meeting.pk, items["C003"].pk)
    assert row.actor == bank.users["rm_branch"]
    assert current_class(l003.assessment) == "substandard"
    assert not ClassificationDecision.objects.filter(loan_id="L001").exists()
    assert current_class(LoanDecision.objects.get(loan_id="L001").assessment) == before_l001
    assert LoanDecision.objects.get(loan_id="L003").classified_at is not None
    assert LoanDecision.objects.get(loan_id="L001").classified_at is None


def test_it_refuses_to_close_with_a_decision_below_the_floor(committee_bank, run):
    """The floor binds at the hand-off too: a decision written around `decide_item` (here by
    a queryset update) better than the loan's floor is refused by the risk app at closing —
    the meeting stays open and no 认定 is recorded."""
    from postloan.risk.models import ClassificationDecision

    bank = committee_bank
    meeting, _items = _closed_with_l003_substandard(bank, run)
    LoanDecision.objects.filter(loan_id="L003").update(decided_class="normal")
    with pytest.raises(MeetingError, match="借据L003：.*正常"):
        actions.close_meeting(meeting, acting_user=bank.users["rm_branch"])
    meeting.refresh_from_db()
    assert meeting.status == "in_progress" and meeting.closed_at is None
    assert not ClassificationDecision.objects.filter(loan_id="L003").exists()
    assert LoanDecision.objects.get(loan_id="L003").classified_at is None


def test_it_calls_an_ad_hoc_meeting_at_short_notice_with_its_reason(committee_bank, login):
    bank = committee_bank
    sec = bank.users["rm_branch"]
    soon = dt.date(2026, 11, 3)  # two working days after the business date 2026-10-31
    with pytest.raises(MeetingError, match="定期例会须至少提前7个工作日通知"):
        actions.schedule_meeting(bank.branches["BR01"], soon, "monthly", acting_user=sec)
    with pytest.raises(MeetingError, match="须写明召开事由") as exc:
        actions.schedule_meeting(bank.branches["BR01"], soon, "ad_hoc", acting_user=sec)
    assert exc.value.field == "ad_hoc_reason"
    page = login(sec).post(
        reverse("meetings:plan"), {"branch": "BR01", "date": "2026-11-03", "kind": "ad_hoc"}
    )
    assert "须写明召开事由" in page.content.decode()
    meeting = actions.schedule_meeting(
        bank.branches["BR01"],
        soon,
        "ad_hoc",
        acting_user=sec,
        ad_hoc_reason="杭州乙贸易实际控制人被采取强制措施",
    )
    assert (meeting.kind, meeting.notice_due) == ("ad_hoc", soon)
    assert actions.send_notice(meeting, acting_user=sec) > 0
    meeting.refresh_from_db()
    assert meeting.status == "noticed"
    assert AuditEvent.objects.filter(
        action="meetings.meeting.scheduled", reason="杭州乙贸易实际控制人被采取强制措施"
    ).exists()
    detail = login(sec).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "实际控制人被采取强制措施" in detail
