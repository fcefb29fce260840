"""The S demo bank as `postloan demo` builds it, plus one meeting of the 分行 played through to
signing on the business date's data (the crawl's bank, tests/web/test_crawl.py)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from postloan.core.business_date import current_business_date, set_business_date
from postloan.core.workdays import is_working_day
from postloan.demo.committees import create_demo_committee
from postloan.demo.logins import create_demo_logins
from postloan.demo.meeting_history import (
    create_demo_meeting_history,
    decide_loans,
    sign_as_the_chair,
)
from postloan.ingest.service import run_import
from postloan.meetings import actions
from postloan.meetings import choices as mch
from postloan.meetings.models import CommitteeMember, Meeting
from postloan.meetings.notice import notice_due
from postloan.risk.actions import run_screening

REVIEWED = 2  # customers decided one by one; the rest of the agenda is dropped


def build_demo_bank(folder, as_of: dt.date) -> Meeting:
    """Import, screen, create the logins and the committee, the signed past meeting (the steps of
    `postloan demo --no-serve`), then one current meeting signed. Returns that meeting."""
    result = run_import(folder, as_of=as_of, user=None, source="cli")
    assert result.ok, list(result.errors)[:5]
    run_screening(as_of, acting_user=None)
    create_demo_logins()
    create_demo_committee()
    create_demo_meeting_history(as_of)
    return play_meeting_to_signing(as_of)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def play_meeting_to_signing(as_of: dt.date) -> Meeting:
    """Schedule the 分行's monthly meeting on the first day its notice can still go out on
    `as_of`, send the notice, hold it (two customers decided, the retail batch decided, the rest
    dropped), close and sign it; the business date is back at `as_of` afterwards."""
    committee = create_demo_committee()
    branch = committee.branch
    secretary, chair = _user("risk_manager"), _user("chair")
    day = as_of + dt.timedelta(days=1)
    while notice_due(branch, day) < as_of or not is_working_day(day):
        day += dt.timedelta(days=1)
    meeting = actions.schedule_meeting(
        branch, day, mch.MeetingKind.MONTHLY, acting_user=secretary, location="分行三楼会议室"
    )
    individual = list(meeting.items.filter(batch=False, dropped=False).order_by("rank"))
    for item in individual[REVIEWED:]:
        actions.drop_agenda_item(
            item, reason="本次例会重点审议排名靠前的客户", acting_user=secretary
        )
    actions.send_notice(meeting, acting_user=secretary)
    restore = current_business_date() or as_of
    try:
        set_business_date(day, only_forward=False)
        present = CommitteeMember.objects.filter(committee=committee, active=True).values_list(
            "staff_id", flat=True
        )
        actions.start_meeting(
            meeting, present_ids=list(present), presiding=chair.staff, acting_user=secretary
        )
        for item in meeting.items.filter(batch=False, dropped=False):
            if getattr(item, "report", None) is not None:
                actions.excuse_missing_report(
                    item, reason="客户经理会上口头汇报", acting_user=chair
                )
            # each loan at its books' class, never better than its floor
            wanted = (
                item.customer.loans.filter(status="active")
                .values_list("classification", flat=True)
                .first()
                or "normal"
            )
            decide_loans(item, "经营基本稳定，加强账户资金监测", wanted, secretary)
        if meeting.items.filter(batch=True, dropped=False).exists():
            actions.decide_batch(
                meeting, summary="零售客户批量审议，维持原分类", acting_user=secretary
            )
        actions.save_sections(meeting, acting_user=secretary, chair_summary="按决议抓好落实。")
        actions.close_meeting(meeting, acting_user=secretary)
        sign_as_the_chair(meeting, chair)
    finally:
        set_business_date(restore, only_forward=False)
    meeting.refresh_from_db()
    assert meeting.status == mch.MeetingStatus.SIGNED, meeting.status
    return meeting
