"""A past, signed monthly meeting of the demo 分行, so 问责 has minutes to compare.

The story (domain.md §3.7): about two and a half months before the business date the bank was
screened; a couple of weeks later the 分行's 贷后管理例会 called some customers sound (DPD 0 at
that screening) — 正常, no adverse measure — and they are overdue by the business date: each
is a 问责 finding on its account manager. One more customer, equally sound then, was handled
correctly (认定次级, 压降授信敞口), so it is no finding although it slid as well.

Everything goes through the screening and meeting actions, at the business dates they happened
(the business date is moved back for the meeting and restored afterwards).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from chinese_calendar import is_workday
from django.contrib.auth import get_user_model
from django.db.models import Max

from postloan.core.business_date import current_business_date, set_business_date
from postloan.demo.committees import create_demo_committee
from postloan.demo.logins import default_password
from postloan.meetings import actions
from postloan.meetings import choices as mch
from postloan.meetings.actions.signing import content_to_sign, pending_roles
from postloan.meetings.deliberation import loan_facts
from postloan.meetings.models import CommitteeMember, Meeting
from postloan.meetings.rules import units_reviewed_by
from postloan.portfolio.models import Customer, Loan
from postloan.reports.actions import detect_findings
from postloan.risk.actions import run_screening
from postloan.risk.choices import RunSource
from postloan.risk.floors import floor_class, worst
from postloan.risk.models import LoanAssessment

EARLIER_SCREENING_DAYS = 78  # 2026-10-31 → 2026-08-14
MEETING_AFTER_SCREENING_DAYS = 21  # notice ≥ 7 working days fits in between
SOUND_REPORTED = 2  # customers the minutes call sound; one more is handled correctly
SOUND_SUMMARY = "经营正常，按期还本付息，未发现风险信号，维持正常类"
HANDLED_SUMMARY = "销售回笼下降，还款来源不足，认定次级并压降授信敞口"


def earlier_date(as_of: dt.date) -> dt.date:
    return as_of - dt.timedelta(days=EARLIER_SCREENING_DAYS)


def meeting_date(as_of: dt.date) -> dt.date:
    """The first working day at least three weeks after the earlier screening."""
    day = earlier_date(as_of) + dt.timedelta(days=MEETING_AFTER_SCREENING_DAYS)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def slid_customers(branch, earlier: dt.date, as_of: dt.date) -> list[str]:
    """Customers the branch reviews: not overdue at `earlier`, overdue on `as_of`.

    Worst first (largest DPD on `as_of`), then by id — two grouped queries.
    """
    units = units_reviewed_by(branch.branch_code)
    rows = LoanAssessment.objects.filter(customer__branch_id__in=units)
    before = rows.filter(as_of=earlier).values("customer_id").annotate(dpd=Max("dpd"))
    sound = {r["customer_id"] for r in before if r["dpd"] == 0}
    after = rows.filter(as_of=as_of, customer_id__in=sound, dpd__gte=1)
    worst = after.values("customer_id").annotate(dpd=Max("dpd")).order_by("-dpd", "customer_id")
    return [r["customer_id"] for r in worst]


def create_demo_meeting_history(as_of: dt.date) -> Meeting | None:
    """Screen at an earlier date, hold and sign a past meeting, re-screen `as_of` and compare.

    Idempotent: a meeting of the 分行 on the history's date is left as it is. Returns None when
    the bank has no 分行 committee or no customer that slid after being sound.
    """
    committee = create_demo_committee()
    secretary, chair = _user("risk_manager"), _user("chair")
    if committee is None or secretary is None or chair is None:
        return None
    branch = committee.branch
    earlier, day = earlier_date(as_of), meeting_date(as_of)
    existing = Meeting.objects.filter(branch=branch, date=day).first()
    if existing is not None:
        return existing
    if not LoanAssessment.objects.filter(as_of=earlier).exists():
        with _booked_as_before(earlier, as_of):
            run_screening(earlier, acting_user=secretary, source=RunSource.CLI)
    slid = _sound_then(slid_customers(branch, earlier, as_of), earlier)
    if len(slid) < 2:
        return None
    reported, handled = slid[:SOUND_REPORTED], slid[SOUND_REPORTED : SOUND_REPORTED + 1]
    if not handled:
        reported, handled = slid[:-1], slid[-1:]
    restore = current_business_date() or as_of
    try:
        meeting = _hold_meeting(branch, day, earlier, reported, handled, secretary, chair)
    finally:
        set_business_date(restore, only_forward=False)
    run_screening(as_of, acting_user=secretary, source=RunSource.CLI)
    detect_findings(as_of, acting_user=secretary)
    return meeting


def decide_loans(item, summary: str, wanted: str, secretary):
    """Each loan at the class the story wants, never better than its floor."""
    facts = loan_facts(item.customer)
    return actions.decide_item(
        item,
        summary=summary,
        loan_classes={f.loan_id: worst(wanted, f.floor_class) for f in facts},
        loan_reasons={f.loan_id: summary for f in facts},
        method=mch.DecisionMethod.CONSENSUS,
        acting_user=secretary,
    )


@contextmanager
def _booked_as_before(earlier: dt.date, as_of: dt.date):
    """The books as they stood at `earlier` for the loans that fell overdue since: performing
    (正常, no impairment, no provision). The demo bank has one snapshot, taken on `as_of`; its
    impairment and 次级 marks of a loan overdue for fewer days than `earlier` is back came with
    the arrears, so the earlier screening must not see them. Restored afterwards."""
    since = (as_of - earlier).days
    slid = LoanAssessment.objects.filter(as_of=as_of, dpd__gt=0, dpd__lt=since).values("loan_id")
    loans = list(
        Loan.objects.filter(loan_id__in=slid).values(
            "loan_id", "classification", "credit_impaired", "ecl_amount"
        )
    )
    fields = ("classification", "credit_impaired", "ecl_amount")
    Loan.objects.filter(loan_id__in=[x["loan_id"] for x in loans]).update(
        classification="normal", credit_impaired=False, ecl_amount=None
    )
    try:
        yield
    finally:
        for x in loans:
            Loan.objects.filter(pk=x["loan_id"]).update(**{f: x[f] for f in fields})


def _sound_then(customer_ids: list[str], earlier: dt.date) -> list[str]:
    """Customers a meeting could call sound on the facts of `earlier`: every active loan was
    screened then, and no loan had a floor worse than 正常 (a loan already 次级 on the books, or
    one that pulls the customer's other loans down, binds the meeting to a worse class)."""
    screened = LoanAssessment.objects.filter(as_of=earlier, customer_id__in=customer_ids)
    bound = {a.customer_id for a in screened if floor_class(a) not in ("", "normal")}
    missing = set(
        Loan.objects.filter(customer_id__in=customer_ids, status="active", balance__gt=0)
        .exclude(loan_id__in=screened.values("loan_id"))
        .values_list("customer_id", flat=True)
    )
    return [c for c in customer_ids if c not in missing and c not in bound]


def _hold_meeting(branch, day, earlier, reported, handled, secretary, chair) -> Meeting:
    chosen = reported + handled
    set_business_date(earlier, only_forward=False)
    meeting = actions.schedule_meeting(
        branch, day, mch.MeetingKind.MONTHLY, acting_user=secretary, location="分行三楼会议室"
    )
    # A themed meeting: the customers the plan listed are reviewed at the next one.
    for item in meeting.items.exclude(customer_id__in=chosen):
        actions.drop_agenda_item(
            item, reason="本次例会专题审议正常类客户，该客户另行安排审议", acting_user=secretary
        )
    on_agenda = set(meeting.items.filter(dropped=False).values_list("customer_id", flat=True))
    for customer in Customer.objects.filter(pk__in=chosen).exclude(pk__in=on_agenda):
        actions.add_agenda_item(
            meeting, customer, reason="抽查正常类客户贷后管理情况", acting_user=secretary
        )
    actions.send_notice(meeting, acting_user=secretary)
    set_business_date(day, only_forward=False)
    present = list(
        CommitteeMember.objects.filter(committee__branch=branch, active=True).values_list(
            "staff_id", flat=True
        )
    )
    actions.start_meeting(
        meeting, present_ids=present, presiding=chair.staff, acting_user=secretary
    )
    items = {i.customer_id: i for i in meeting.items.filter(dropped=False)}
    for item in items.values():
        if getattr(item, "report", None) is not None:
            actions.excuse_missing_report(
                item, reason="客户经理会上口头汇报，书面材料会后补交", acting_user=chair
            )
    for customer_id in reported:
        decide_loans(items[customer_id], SOUND_SUMMARY, "normal", secretary)
    for customer_id in handled:
        item = decide_loans(items[customer_id], HANDLED_SUMMARY, "substandard", secretary)
        customer = item.customer
        balance = sum(loan.balance for loan in customer.loans.filter(status="active"))
        actions.adopt_resolution(
            item,
            type="reduce_exposure",
            params={
                "target_balance": str((balance / 2).quantize(Decimal("0.01"))),
                "target_date": (day + dt.timedelta(days=90)).isoformat(),
            },
            department="corporate",
            responsible=customer.manager,
            deadline=day + dt.timedelta(days=90),
            acting_user=secretary,
        )
    actions.save_sections(
        meeting, acting_user=secretary, chair_summary="各责任部门按决议抓好落实。"
    )
    actions.close_meeting(meeting, acting_user=secretary)
    sign_as_the_chair(meeting, chair)
    meeting.refresh_from_db()
    return meeting


def sign_as_the_chair(meeting, chair) -> None:
    """The chair presided and is the 行长: he signs twice, with his opinion and his password."""
    for role in pending_roles(chair, meeting):
        _content, digest = content_to_sign(meeting)
        actions.sign(
            meeting,
            acting_user=chair,
            role=role,
            opinion="同意会议纪要及决议，责任部门按期落实",
            confirmed_sha256=digest,
            password=default_password("chair"),
        )
