"""会议效果评估 of one meeting of 杭州分行, every figure computed by hand.

Baseline: the screening of 2026-10-31 (L001 正常 4,000,000). The plan called C001 (大额授信) and
C003 (预警); C003 was dropped before the meeting; 6 of the 7 members attended (何平 RV01 absent).
C004 (not reviewed, 正常 corporate like C001) is the comparison group. Three months later
(2027-02-18): L001 3,000,000 正常, L004 900,000 关注.
"""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from postloan.core.business_date import set_business_date
from postloan.meetings import actions
from postloan.portfolio.models import Customer, Loan
from postloan.reports.effectiveness import add_months, meeting_effect
from postloan.risk.models import LoanAssessment, Signal
from tests.meetings.conftest import (  # noqa: F401
    MEETING_DATE,
    committee_bank,
    every_loan,
    sign_off,
)

BASE = dt.date(2026, 10, 31)
LATER = dt.date(2027, 2, 18)


def assess(loan, as_of, balance, cls):
    LoanAssessment.objects.update_or_create(
        loan=loan,
        as_of=as_of,
        defaults=dict(
            customer=loan.customer,
            balance=Decimal(balance),
            current_class=cls,
            suggested_class=cls,
            change="same",
        ),
    )


def signal(customer, rule, released=None):
    Signal.objects.create(
        rule_id=rule,
        family="account",
        level="yellow",
        customer=customer,
        status="released" if released else "issued",
        raised_on=dt.date(2026, 10, 20),
        last_seen_on=dt.date(2026, 10, 20),
        released_on=released,
    )


def build(bank):
    from postloan.risk.actions.screening import run_screening

    run_screening(BASE)
    c004 = Customer.objects.create(
        customer_id="C004",
        name="杭州丁机械有限公司",
        type="corporate",
        branch=bank.branches["SB01"],
        manager=bank.staff["AM01"],
    )
    l004 = Loan.objects.create(
        loan_id="L004",
        customer=c004,
        product="working_capital",
        principal=Decimal("1000000"),
        balance=Decimal("1000000"),
        start_date=dt.date(2026, 3, 1),
        maturity_date=dt.date(2027, 2, 28),
        guarantee_method="guarantee",
    )
    assess(l004, BASE, "1000000.00", "normal")
    sec = bank.users["rm_branch"]
    meeting = actions.schedule_meeting(bank.branches["BR01"], MEETING_DATE, acting_user=sec)
    actions.send_notice(meeting, acting_user=sec)
    items = {i.customer_id: i for i in meeting.items.all()}
    actions.drop_agenda_item(items["C003"], reason="已提前结清，无需审议", acting_user=sec)
    present = ["P01", "VP01", "CD01", "RD01", "CM01", "RK01", "AM01"]
    actions.start_meeting(
        meeting, present_ids=present, presiding=bank.staff["P01"], acting_user=sec
    )
    meeting.refresh_from_db()
    actions.decide_item(
        items["C001"],
        summary="经营正常",
        **every_loan(items["C001"], "normal"),
        method="consensus",
        acting_user=sec,
    )
    actions.adopt_resolution(
        items["C001"],
        type="reduce_exposure",
        params={"target_balance": "3000000", "target_date": "2027-01-31"},
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=dt.date(2027, 1, 31),
        acting_user=sec,
    )
    meeting = sign_off(bank, meeting)
    signal(bank.customers["C001"], "A1", released=dt.date(2027, 1, 10))
    signal(c004, "A2")
    return meeting, l004


def test_it_evaluates_a_meeting_by_hand(committee_bank):  # noqa: F811
    bank = committee_bank
    meeting, l004 = build(bank)
    assess(bank.loans["L001"], LATER, "3000000.00", "normal")
    assess(l004, LATER, "900000.00", "special_mention")
    set_business_date(dt.date(2027, 2, 28))
    effect = meeting_effect(meeting)
    assert (effect.members_present, effect.members) == (6, 7)
    assert effect.attendance_rate == Decimal("85.7")
    assert sorted(effect.planned) == ["C001", "C003"]
    assert effect.reviewed == ["C001"]
    assert effect.coverage_rate == Decimal("50.0")
    assert effect.planned_missed == ["C003"]
    assert effect.resolutions["adopted"] == 1
    assert effect.resolutions["open"] == 1 and effect.resolutions["verified"] == 0
    assert effect.baseline == BASE
    three, six = effect.outlooks
    assert three.as_of == LATER
    r, p = three.reviewed, three.peers
    assert (r.customers, r.balance_before, r.balance_after) == (
        1,
        Decimal("4000000.00"),
        Decimal("3000000.00"),
    )
    assert r.reduction_rate == Decimal("25.0")
    assert (r.upgraded, r.downgraded) == (0, 0)
    assert (r.signals_open, r.signals_released, r.release_rate) == (1, 1, Decimal("100.0"))
    assert (p.customers, p.balance_reduced, p.reduction_rate) == (
        1,
        Decimal("100000.00"),
        Decimal("10.0"),
    )
    assert (p.downgraded, p.downgrade_rate) == (1, Decimal("100.0"))
    assert (p.signals_open, p.signals_released) == (1, 0)
    assert six.as_of is None and six.missing_text == "尚无6个月后数据"


def test_it_says_there_is_no_later_data_yet(committee_bank, login):  # noqa: F811
    bank = committee_bank
    meeting, _ = build(bank)
    set_business_date(dt.date(2026, 12, 31))
    effect = meeting_effect(meeting)
    assert [o.as_of for o in effect.outlooks] == [None, None]
    client = login(bank.users["rm_branch"])
    html = client.get(reverse("reports:meeting_effect", args=[meeting.pk])).content.decode()
    assert "尚无3个月后数据" in html and "尚无6个月后数据" in html
    assert "6/7（85.7%）" in html and "1/2（50.0%）" in html
    listing = client.get(reverse("reports:effectiveness")).content.decode()
    assert reverse("reports:meeting_effect", args=[meeting.pk]) in listing


def test_it_adds_months_within_the_month():
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 18), 6) == dt.date(2027, 5, 18)
