"""问责 and the 不尽职清单.

问责: the minutes against what happened, on the hand-made bank's signed meeting of 2026-11-18.

The meeting called C001 (杭州甲制造, account manager 张伟 AM01) sound: 经营正常, class 正常.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse

from postloan.core.business_date import set_business_date
from postloan.core.errors import DomainError
from postloan.core.models import AuditEvent
from postloan.meetings.actions import claim_execution
from postloan.reports import actions
from postloan.reports.accountability import candidates
from postloan.reports.diligence import diligence
from postloan.reports.models import AccountabilityConsequence, AccountabilityFinding
from postloan.reports.scope import scope_for
from postloan.risk.models import LoanAssessment, Signal
from postloan.worklist.models import Inspection
from tests.documents.conftest import signed_meeting  # noqa: F401
from tests.meetings.conftest import committee_bank  # noqa: F401

LATER = dt.date(2027, 1, 18)  # two months after the meeting
CHECK = dt.date(2027, 1, 31)
DILIGENCE_AS_OF = dt.date(2026, 10, 31)


def later_assessment(loan, as_of, dpd, cls, balance="4000000.00"):
    return LoanAssessment.objects.create(
        as_of=as_of,
        loan=loan,
        customer=loan.customer,
        dpd=dpd,
        balance=Decimal(balance),
        current_class=cls,
        suggested_class=cls,
        change="same",
    )


@pytest.fixture
def story(signed_meeting):  # noqa: F811
    """Two months after being called sound, C001's loan is 40 days overdue."""
    bank = signed_meeting
    later_assessment(bank.loans["L001"], LATER, 40, "special_mention")
    set_business_date(CHECK)
    return bank


def test_it_finds_the_sound_customer_overdue_two_months_later(story):
    bank = story
    new = actions.detect_findings(CHECK, acting_user=bank.users["rm_branch"])
    assert new == 1
    finding = AccountabilityFinding.objects.get()
    assert finding.kind == "sound_report"
    assert finding.customer_id == "C001"
    assert finding.responsible_id == "AM01"
    assert finding.meeting_id == bank.meeting.pk
    assert finding.meeting_date == dt.date(2026, 11, 18)
    assert "经营正常" in finding.minute_text
    assert (finding.later_as_of, finding.loan_id, finding.later_dpd) == (LATER, "L001", 40)
    assert finding.later_class == "special_mention"
    assert AuditEvent.objects.filter(action="reports.finding_detected").count() == 1
    # Detecting again stores nothing new.
    assert actions.detect_findings(CHECK, acting_user=bank.users["rm_branch"]) == 0


def test_it_finds_nothing_on_a_clean_bank(signed_meeting):  # noqa: F811
    bank = signed_meeting
    for loan_id in ("L001", "L002"):
        later_assessment(bank.loans[loan_id], LATER, 0, "normal")
    set_business_date(CHECK)
    assert candidates(CHECK) == []
    assert actions.detect_findings(CHECK, acting_user=bank.users["rm_branch"]) == 0


def test_it_ignores_overdue_after_the_window(signed_meeting, settings):  # noqa: F811
    settings.ACCOUNTABILITY_WINDOW_DAYS = 30
    later_assessment(signed_meeting.loans["L001"], LATER, 40, "special_mention")
    assert candidates(CHECK) == []


def test_it_holds_the_resolution_owner_to_a_claimed_execution(signed_meeting):  # noqa: F811
    bank = signed_meeting
    resolution = bank.meeting.resolutions.get()
    claim_execution(
        resolution,
        note="已压降至300万元",
        evidence=ContentFile(b"%PDF-1.4 proof", name="proof.pdf"),
        acting_user=bank.users["am_zhang"],
    )
    later_assessment(bank.loans["L001"], dt.date(2027, 3, 31), 95, "substandard")
    found = {c.kind: c for c in candidates(dt.date(2027, 3, 31))}
    assert set(found) == {"sound_report", "claimed_done"}
    claimed = found["claimed_done"]
    assert claimed.resolution_id == resolution.pk
    assert claimed.responsible_id == "AM01"
    assert "已压降至300万元" in claimed.minute_text
    assert (claimed.later.dpd, claimed.later.cls) == (95, "substandard")


def test_it_needs_a_reason_and_the_risk_role_to_decide(story):
    bank = story
    actions.detect_findings(CHECK, acting_user=bank.users["rm_branch"])
    finding = AccountabilityFinding.objects.get()
    with pytest.raises(PermissionDenied):
        actions.decide_finding(
            finding, confirm=True, reason="主观原因", acting_user=bank.users["am_zhang"]
        )
    with pytest.raises(DomainError):
        actions.decide_finding(
            finding, confirm=True, reason="  ", acting_user=bank.users["rm_branch"]
        )
    finding.refresh_from_db()
    assert finding.status == "open"
    actions.decide_finding(
        finding,
        confirm=True,
        reason="汇报时已知销售回笼下降而未报告",
        acting_user=bank.users["rm_branch"],
    )
    finding.refresh_from_db()
    assert finding.status == "confirmed"
    assert finding.decided_by == bank.users["rm_branch"]
    event = AuditEvent.objects.get(action="reports.finding_confirmed")
    assert event.reason == "汇报时已知销售回笼下降而未报告"
    with pytest.raises(DomainError):
        actions.decide_finding(
            finding, confirm=False, reason="再议", acting_user=bank.users["rm_branch"]
        )


def test_it_records_consequences_of_a_confirmed_finding(story):
    bank = story
    risk = bank.users["rm_branch"]
    actions.detect_findings(CHECK, acting_user=risk)
    finding = AccountabilityFinding.objects.get()
    with pytest.raises(DomainError):  # not confirmed yet
        actions.add_consequence(finding, kind="notice", note="通报", acting_user=risk)
    actions.decide_finding(finding, confirm=True, reason="未如实汇报", acting_user=risk)
    with pytest.raises(DomainError):  # points needed
        actions.add_consequence(finding, kind="points", note="扣分", acting_user=risk)
    with pytest.raises(PermissionDenied):
        actions.add_consequence(
            finding, kind="notice", note="通报", acting_user=bank.users["am_zhang"]
        )
    actions.add_consequence(finding, kind="points", points="5", note="扣5分", acting_user=risk)
    actions.add_consequence(finding, kind="fine", amount="2000", note="罚款", acting_user=risk)
    actions.add_consequence(finding, kind="notice", note="全行通报批评", acting_user=risk)
    rows = list(
        AccountabilityConsequence.objects.order_by("id").values_list("kind", "points", "amount")
    )
    assert rows == [("points", 5, None), ("fine", None, Decimal("2000.00")), ("notice", None, None)]
    assert AuditEvent.objects.filter(action="reports.consequence_recorded").count() == 3


def test_it_dismisses_a_finding_with_a_reason(story):
    bank = story
    risk = bank.users["rm_branch"]
    actions.detect_findings(CHECK, acting_user=risk)
    finding = AccountabilityFinding.objects.get()
    actions.decide_finding(finding, confirm=False, reason="客观原因：疫情停产", acting_user=risk)
    finding.refresh_from_db()
    assert (finding.status, finding.decision_reason) == ("dismissed", "客观原因：疫情停产")


def test_it_shows_findings_per_person_and_decides_through_the_page(story, login):
    bank = story
    client = login(bank.users["rm_branch"])
    response = client.post(
        reverse("reports:accountability_detect"), {"branch": "BR01", "as_of": "2027-01-31"}
    )
    assert response.status_code == 302
    page = client.get(reverse("reports:accountability"), {"branch": "BR01"})
    html = page.content.decode()
    assert "张伟（AM01" in html and "杭州甲制造有限公司" in html and "逾期 40 天" in html
    finding = AccountabilityFinding.objects.get()
    client.post(reverse("reports:finding_decide", args=[finding.pk]), {"decision": "confirm"})
    finding.refresh_from_db()
    assert finding.status == "open"  # no reason: refused
    client.post(
        reverse("reports:finding_decide", args=[finding.pk]),
        {"decision": "confirm", "reason": "未如实汇报"},
    )
    finding.refresh_from_db()
    assert finding.status == "confirmed"
    # The other 支行's account manager does not see 张伟's finding.
    other = login(bank.users["am_wang"]).get(reverse("reports:accountability"))
    assert "杭州甲制造有限公司" not in other.content.decode()


# 贷后管理不尽职清单 on the hand-made bank (business date 2026-10-31), counts set by hand.


def _inspection(bank, cid, staff, due, done=None):
    return Inspection.objects.create(
        customer=bank.customers[cid],
        kind="scheduled",
        assignee=bank.staff[staff],
        due_date=due,
        done_date=done,
    )


def _signal(bank, cid, rule, owner, due, status="issued", released=None):
    return Signal.objects.create(
        rule_id=rule,
        family="repayment",
        level="orange",
        customer=bank.customers[cid],
        status=status,
        raised_on=dt.date(2026, 10, 1),
        last_seen_on=dt.date(2026, 10, 1),
        owner=bank.staff[owner],
        due_date=due,
        released_on=released,
    )


def _assessment(bank, loan_id, as_of, change, status="pending"):
    loan = bank.loans[loan_id]
    return LoanAssessment.objects.create(
        as_of=as_of,
        loan=loan,
        customer=loan.customer,
        balance=loan.balance,
        current_class="normal",
        suggested_class="special_mention" if change != "same" else "normal",
        change=change,
        status=status,
        confirmed_class="special_mention" if status == "confirmed" else "",
    )


def seed_diligence(bank):
    _inspection(bank, "C001", "AM01", dt.date(2026, 10, 20))  # missed
    _inspection(bank, "C002", "AM01", dt.date(2026, 10, 25))  # missed
    _inspection(bank, "C001", "AM01", dt.date(2026, 10, 10), done=dt.date(2026, 10, 9))  # done
    _inspection(bank, "C003", "AM02", dt.date(2026, 11, 5))  # not yet due
    _signal(bank, "C003", "R1", "AM02", dt.date(2026, 10, 25))  # past due, open
    _signal(bank, "C003", "R2", "AM02", dt.date(2026, 11, 25))  # not yet due
    _signal(bank, "C001", "R3", "AM01", dt.date(2026, 10, 25), "released", dt.date(2026, 10, 24))
    _assessment(bank, "L003", dt.date(2026, 10, 15), "downgrade")  # unconfirmed, old
    _assessment(bank, "L003", dt.date(2026, 10, 30), "downgrade")  # unconfirmed, too recent
    _assessment(bank, "L001", dt.date(2026, 10, 10), "downgrade")  # superseded by confirmation
    _assessment(bank, "L001", dt.date(2026, 10, 12), "downgrade", status="confirmed")
    _assessment(bank, "L002", dt.date(2026, 10, 10), "same")  # no change to confirm
    customer = bank.customers["C002"]
    customer.manager = None
    customer.save(update_fields=["manager"])


def test_it_counts_non_diligence_per_person_and_unit(bank):
    seed_diligence(bank)
    report = diligence(scope_for(bank.users["rm_branch"], "BR01", DILIGENCE_AS_OF))
    people = {r.key: r.counts for r in report.people}
    none = {"lost_files": 0, "covenants": 0}
    assert people["AM01"] == {
        "inspections": 2,
        "signals": 0,
        "classifications": 0,
        "unassigned": 0,
        "uncertified": 0,
        **none,
    }
    assert people["AM02"] == {
        "inspections": 0,
        "signals": 1,
        "classifications": 1,
        "unassigned": 0,
        "uncertified": 0,
        **none,
    }
    units = {r.key: r.counts for r in report.units}
    assert units["SB01"] == {
        "inspections": 2,
        "signals": 0,
        "classifications": 0,
        "unassigned": 1,
        "uncertified": 0,
        **none,
    }
    assert units["SB02"]["signals"] == 1 and units["SB02"]["classifications"] == 1
    assert report.totals.counts == {
        "inspections": 2,
        "signals": 1,
        "classifications": 1,
        "unassigned": 1,
        "uncertified": 0,
        **none,
    }
    assert report.totals.total == 5


def test_it_shows_an_account_manager_only_their_own_diligence(bank, login):
    seed_diligence(bank)
    report = diligence(scope_for(bank.users["am_wang"], None, DILIGENCE_AS_OF))
    assert [r.key for r in report.people] == ["AM02"]
    assert report.totals.counts["inspections"] == 0
    page = login(bank.users["rm_branch"]).get(
        reverse("reports:diligence"), {"branch": "BR01", "as_of": "2026-10-31"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "张伟（AM01）" in html and "未落实人户合一客户" in html


def test_it_lists_no_non_diligence_on_a_clean_bank(bank):
    report = diligence(scope_for(bank.users["rm_branch"], "BR01", DILIGENCE_AS_OF))
    assert report.totals.total == 0
    assert report.people == [] and report.units == []


def test_it_compares_the_minutes_after_every_screening(story):
    from postloan.day.pipeline import run_business_day

    run_business_day(CHECK)
    finding = AccountabilityFinding.objects.get(customer_id="C001")
    assert finding.later_dpd == 40
    # C003, 41 days overdue at the meeting, is over 90 days at CHECK: 次级 by the regulation's
    # floor (its current class, risk.current), so non-performing after the meeting too.
    assert set(AccountabilityFinding.objects.values_list("customer_id", flat=True)) == {
        "C001",
        "C003",
    }
