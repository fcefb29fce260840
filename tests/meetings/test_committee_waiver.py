"""The DPD 1–7 technical waiver where the committee decides a loan's class: offered on the item
page for a loan 1–7 days overdue only, never preselected; enforced in the action (who may
record it, the reason required, only the DPD floor lifted, a quorum); at closing it becomes
the loan's 认定 with the waiver; the signed snapshot, the minutes and the audit trail keep it."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from postloan.core.audit import AuditEvent
from postloan.meetings import actions
from postloan.meetings.errors import MeetingError
from postloan.meetings.models import LoanDecision
from postloan.risk.actions import persist_result
from postloan.risk.current import current_class
from postloan.risk.models import ClassificationDecision, LoanAssessment
from tests.risk.results import AS_OF, make_result

WAIVER = "核心系统批扣失败，客户账户资金充足，已于次日补扣"


@pytest.fixture
def dpd5(committee_bank):
    """L003 (C003) 5 days overdue on 2026-10-31: its only floor is CLS-SM-DPD (关注)."""
    persist_result(make_result(l003_dpd=5), AS_OF)
    return committee_bank


def _decide(bank, item, classes, waivers=None, reasons=None, user="rm_branch"):
    return actions.decide_item(
        item,
        summary="逾期5天，系扣款系统故障",
        loan_classes=classes,
        loan_reasons=reasons or {},
        loan_waivers=waivers,
        method="consensus",
        acting_user=bank.users[user],
    )


def _nothing_recorded(item):
    item.refresh_from_db()
    assert item.outcome == "pending" and item.class_decided == ""
    assert not LoanDecision.objects.filter(item=item).exists()
    assert not AuditEvent.objects.filter(action="meetings.item.decided").exists()


def test_the_page_offers_the_waiver_only_for_a_loan_1_to_7_days_overdue(dpd5, run, login):
    bank = dpd5
    _meeting, items = run.held_meeting(bank)
    client = login(bank.users["rm_branch"])
    html = client.get(reverse("meetings:item", args=[items["C003"].pk])).content.decode()
    table = html[
        html.index('id="decision-table"') : html.index(
            "</table>", html.index('id="decision-table"')
        )
    ]
    assert 'name="waiver__L003"' in table and 'name="waiver_reason__L003"' in table
    assert 'name="waiver__L003" checked' not in table and "checked" not in table  # not preselected
    html = client.get(reverse("meetings:item", args=[items["C001"].pk])).content.decode()
    table = html[
        html.index('id="decision-table"') : html.index(
            "</table>", html.index('id="decision-table"')
        )
    ]
    assert "waiver__" not in table and "不适用" in table  # L001 is not overdue


def test_the_web_refuses_a_waiver_without_its_reason_and_keeps_what_was_typed(dpd5, run, login):
    bank = dpd5
    _meeting, items = run.held_meeting(bank)
    item = items["C003"]
    client = login(bank.users["rm_branch"])
    url = reverse("meetings:item", args=[item.pk])
    data = {"op": "decide", "summary": "扣款故障", "class__L003": "normal", "method": "consensus"}
    page = client.post(url, data).content.decode()
    # without the waiver the DPD floor binds, and the page says the waiver is the way
    assert "至少归为关注类" in page and "可勾选技术性逾期豁免" in page
    page = client.post(url, {**data, "waiver__L003": "on"}).content.decode()
    row = page[
        page.index('name="class__L003"') : page.index("</tr>", page.index('name="class__L003"'))
    ]
    assert "技术性逾期豁免须写明理由" in row
    assert 'name="waiver__L003" id="id_waiver__L003" checked' in row or "checked" in row
    assert "扣款故障" in page  # the summary typed is kept
    _nothing_recorded(item)
    response = client.post(url, {**data, "waiver__L003": "on", "waiver_reason__L003": WAIVER})
    assert response.status_code == 302
    d = LoanDecision.objects.get(item=item)
    assert (d.decided_class, d.floor_class, d.technical_waiver, d.waiver_reason) == (
        "normal",
        "special_mention",
        True,
        WAIVER,
    )
    event = AuditEvent.objects.get(action="meetings.item.decided")
    assert event.after["loans"]["L003"] == {
        "class": "normal",
        "reason": "",
        "technical_waiver": True,
        "waiver_reason": WAIVER,
    }
    html = client.get(url).content.decode()
    assert f"技术性逾期豁免：{WAIVER}" in html[html.index('id="decided-loans"') :]


def test_the_action_lifts_only_the_dpd_floor(committee_bank, run):
    bank = committee_bank
    # L003 5 days overdue and credit-impaired: CLS-SUB-DPD90 stands for the 次级 floor here
    persist_result(make_result(l003_dpd=5, l003_suggested="substandard"), AS_OF)
    _meeting, items = run.held_meeting(bank)
    item = items["C003"]
    with pytest.raises(MeetingError) as exc:
        _decide(bank, item, {"L003": "normal"}, {"L003": WAIVER})
    assert "至少归为次级类" in exc.value.errors["class__L003"]
    _nothing_recorded(item)


def test_the_action_refuses_a_waiver_that_does_not_apply(dpd5, run):
    bank = dpd5
    _meeting, items = run.held_meeting(bank)
    with pytest.raises(MeetingError) as exc:  # L001 is not overdue: nothing to waive
        _decide(bank, items["C001"], {"L001": "normal"}, {"L001": WAIVER})
    assert exc.value.errors == {"waiver__L001": "只有筛查日逾期1–7天的借据才能按技术性逾期豁免"}
    with pytest.raises(MeetingError) as exc:  # 关注 is the floor itself: no waiver needed
        _decide(bank, items["C003"], {"L003": "special_mention"}, {"L003": WAIVER})
    assert exc.value.errors == {"waiver__L003": "所选分类未优于逾期底线，无需技术性逾期豁免"}
    with pytest.raises(MeetingError) as exc:
        _decide(bank, items["C003"], {"L003": "normal"}, {"L003": "  "})
    assert "waiver_reason__L003" in exc.value.errors
    with pytest.raises(MeetingError, match="不属于该客户"):
        _decide(bank, items["C003"], {"L003": "normal"}, {"L001": WAIVER})
    _nothing_recorded(items["C003"])


@pytest.mark.parametrize("who", ["am_zhang", "rm_xihu", "am_wang"])
def test_only_the_meetings_secretary_records_a_waiver(dpd5, run, who):
    """The customer's account manager, a lower unit's risk manager: not the meeting's record."""
    bank = dpd5
    _meeting, items = run.held_meeting(bank)
    with pytest.raises(MeetingError, match="风险部门"):
        _decide(bank, items["C003"], {"L003": "normal"}, {"L003": WAIVER}, user=who)
    _nothing_recorded(items["C003"])


def test_no_waiver_by_a_recused_member(dpd5, run):
    from postloan.meetings.models import Recusal

    bank = dpd5
    _meeting, items = run.held_meeting(bank)
    Recusal.objects.create(item=items["C003"], staff=bank.staff["P01"], reason="关联关系")
    with pytest.raises(MeetingError, match="须回避"):
        _decide(bank, items["C003"], {"L003": "normal"}, {"L003": WAIVER}, user="chair")
    _nothing_recorded(items["C003"])


def test_no_waiver_without_a_quorum(dpd5, run):
    bank = dpd5
    _meeting, items = run.held_meeting(bank, present=["P01", "VP01", "CD01"])
    with pytest.raises(MeetingError, match="未达到法定人数"):
        _decide(bank, items["C003"], {"L003": "normal"}, {"L003": WAIVER})
    _nothing_recorded(items["C003"])


def test_closing_makes_the_waiver_the_loans_confirmation_and_the_signature_covers_it(
    dpd5, run, login, capsys
):
    bank = dpd5
    meeting, items = run.held_meeting(bank)
    _decide(bank, items["C003"], {"L003": "normal"}, {"L003": WAIVER})
    meeting = run.sign_off(bank, meeting)
    a = LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)
    assert (a.status, a.confirmed_class, a.technical_waiver, a.waiver_reason) == (
        "confirmed",
        "normal",
        True,
        WAIVER,
    )
    assert current_class(a) == "normal"  # the waiver lifts the DPD floor in the books too
    committee = ClassificationDecision.objects.get(loan_id="L003", kind="committee")
    assert (committee.meeting_id, committee.agenda_item_id, committee.waiver_reason) == (
        meeting.pk,
        items["C003"].pk,
        WAIVER,
    )
    assert ClassificationDecision.objects.filter(
        loan_id="L003", kind="waiver", reason=WAIVER
    ).exists()
    event = AuditEvent.objects.get(action="risk.committee_classification")
    assert event.after["technical_waiver"] is True and WAIVER in event.reason
    # the signed snapshot holds the waiver; the minutes read it from there
    content = json.loads(meeting.signatures.first().content)
    (entry,) = [i for i in content["items"] if i["customer_id"] == "C003"]
    assert entry["loan_decisions"][0]["technical_waiver"] is True
    assert entry["loan_decisions"][0]["waiver_reason"] == WAIVER
    page = login(bank.users["chair"]).get(reverse("meetings:minutes", args=[meeting.pk]))
    assert f"技术性逾期豁免：{WAIVER}" in page.content.decode()
    loan_page = login(bank.users["rm_branch"]).get("/risk/classification/loan/L003/")
    html = loan_page.content.decode()
    assert "来源：例会审议" in html and reverse("meetings:item", args=[items["C003"].pk]) in html
    assert f"技术性逾期豁免：{WAIVER}" in html
    call_command("meeting", "verify-signatures")
    assert "不符" not in capsys.readouterr().out
