"""A full committee for 杭州分行 on top of the hand-made bank, and helpers to run a meeting."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile

from postloan.core.business_date import set_business_date
from postloan.meetings import actions
from postloan.org.models import Staff
from tests.factories import PASSWORD, make_user

MEETING_DATE = dt.date(2026, 11, 18)


def _staff(staff_id, name, branch, department, position, years=10):
    return Staff.objects.create(
        staff_id=staff_id,
        name=name,
        branch=branch,
        department=department,
        position=position,
        credit_years=years,
        certified=True,
    )


@pytest.fixture
def committee_bank(bank):
    """BR01's committee: 7 members (chair, vice chair, 4 department heads, 1 individual)."""
    br = bank.branches["BR01"]
    # The 支行 do not hold meetings here: 杭州分行 reviews all three customers.
    for code in ("SB01", "SB02"):
        bank.branches[code].holds_meetings = False
        bank.branches[code].save(update_fields=["holds_meetings"])
    s = bank.staff
    s["VP01"] = _staff("VP01", "吴敏", br, "leadership", "vice_president")
    s["CD01"] = _staff("CD01", "孙磊", br, "corporate", "dept_head")
    s["RD01"] = _staff("RD01", "钱红", br, "retail", "dept_head")
    s["CM01"] = _staff("CM01", "郑洁", br, "credit_mgmt", "dept_head")
    s["RK01"] = _staff("RK01", "冯涛", br, "risk", "dept_head")
    s["RV01"] = _staff("RV01", "何平", br, "credit_mgmt", "reviewer", 3)
    u = bank.users
    u["vice"] = make_user("vice", s["VP01"], "vice_chair")
    u["credit_head"] = make_user("credit_head", s["CM01"], "dept_head", "credit_mgmt")
    u["risk_head"] = make_user("risk_head", s["RK01"], "dept_head", "risk_manager")
    u["reviewer"] = make_user("reviewer", s["RV01"], "member")
    sec = u["rm_branch"]
    committee = actions.set_up_committee(br, acting_user=sec)
    members = {}
    for sid, role in [
        ("P01", "chair"),
        ("VP01", "vice_chair"),
        ("CD01", "department"),
        ("RD01", "department"),
        ("CM01", "department"),
        ("RK01", "department"),
        ("RV01", "individual"),
    ]:
        members[sid] = actions.add_member(committee, s[sid], role, acting_user=sec)
    actions.certify_member(
        members["RV01"],
        acting_user=u["credit_head"],
        basis="reviewer",
        certificate_no="信管认〔2026〕1号",
        certificate_file=ContentFile(b"%PDF-1.4 cert", name="cert.pdf"),
    )
    bank.committee = committee
    bank.members = members
    return bank


def every_loan(item, cls: str, reason: str = "审议认定") -> dict:
    """decide_item's per-loan arguments: every active loan of the item's customer at `cls`."""
    from postloan.meetings.deliberation import decided_loans

    ids = list(decided_loans(item.customer).values_list("loan_id", flat=True))
    return {"loan_classes": dict.fromkeys(ids, cls), "loan_reasons": dict.fromkeys(ids, reason)}


def at_floor(item, reason: str = "审议认定") -> dict:
    """decide_item's per-loan arguments: every loan at its floor class (正常 without a floor)."""
    from postloan.meetings.deliberation import loan_facts

    facts = loan_facts(item.customer)
    return {
        "loan_classes": {f.loan_id: f.floor_class or "normal" for f in facts},
        "loan_reasons": {f.loan_id: reason for f in facts},
    }


def screened(day=None):
    """Screen the bank once (the facts a meeting decides on), if no screening exists yet."""
    from postloan.core.business_date import current_business_date
    from postloan.risk.actions.screening import run_screening
    from postloan.risk.models import LoanAssessment

    day = day or current_business_date()
    if not LoanAssessment.objects.filter(as_of__lte=day).exists():
        run_screening(day)


def ready_to_close(bank, meeting, who="chair", secretary="rm_branch"):
    """What a test leaves open before closing: customers it did not decide are deferred, and
    the presiding chair records why the reports nobody submitted are missing."""
    for item in meeting.items.filter(dropped=False, outcome="pending"):
        actions.defer_item(
            item, reason="本次未审议，下次例会审议", acting_user=bank.users[secretary]
        )
    for item in meeting.items.filter(dropped=False, batch=False, report__status="draft"):
        actions.excuse_missing_report(
            item, reason="客户经理会上口头汇报", acting_user=bank.users[who]
        )


def held_meeting(bank, present=None, presiding="P01", date=MEETING_DATE):
    """Schedule, notice and open a meeting of BR01; returns (meeting, items by customer id)."""
    screened()
    sec = bank.users["rm_branch"]
    meeting = actions.schedule_meeting(bank.branches["BR01"], date, acting_user=sec)
    actions.send_notice(meeting, acting_user=sec)
    if present is None:
        present = ["P01", "VP01", "CD01", "RD01", "CM01", "RK01", "RV01", "AM01"]
    actions.start_meeting(
        meeting, present_ids=present, presiding=bank.staff[presiding], acting_user=sec
    )
    meeting.refresh_from_db()
    return meeting, {i.customer_id: i for i in meeting.items.all()}


def sign_as(user, meeting, roles=("presider", "president"), *, amendment=None, opinion="同意"):
    """Sign in each role as a signer does: opinion, the hash they saw, their password."""
    from postloan.meetings.actions.signing import content_to_sign

    signatures = []
    for role in roles:
        _content, digest = content_to_sign(meeting, amendment)
        signatures.append(
            actions.sign(
                meeting,
                acting_user=user,
                role=role,
                opinion=opinion,
                confirmed_sha256=digest,
                password=PASSWORD,
                amendment=amendment,
            )
        )
    return signatures


def sign_off(bank, meeting):
    sec = bank.users["rm_branch"]
    actions.save_sections(meeting, acting_user=sec, chair_summary="按决议执行。")
    ready_to_close(bank, meeting)
    actions.close_meeting(meeting, acting_user=sec)
    sign_as(bank.users["chair"], meeting)  # 周强 presided and is the 行长: he signs twice
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def run():
    def set_date(day):
        return set_business_date(day, only_forward=False)

    return SimpleNamespace(
        held_meeting=held_meeting,
        sign_off=sign_off,
        sign_as=sign_as,
        set_date=set_date,
        every_loan=every_loan,
        at_floor=at_floor,
        ready_to_close=ready_to_close,
    )
