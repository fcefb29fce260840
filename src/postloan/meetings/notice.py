"""Notice of a meeting: when it is due (working days) and who must receive it."""

import datetime as dt

from postloan.core.workdays import add_working_days
from postloan.meetings import choices as ch
from postloan.meetings.models import CommitteeMember
from postloan.meetings.rules import settings_for
from postloan.org.models import Staff


def notice_due(branch, date: dt.date) -> dt.date:
    """The last day the notice may go out: N working days before the meeting (default 7)."""
    return add_working_days(date, -settings_for(branch).notice_working_days)


def report_deadline(branch, date: dt.date) -> dt.date:
    return add_working_days(date, -settings_for(branch).report_working_days)


def recipients(meeting) -> dict[str, str]:
    """staff_id → recipient role: members, account managers on the agenda, risk head and managers."""
    result: dict[str, str] = {}
    for staff_id in CommitteeMember.objects.filter(
        committee__branch=meeting.branch, active=True
    ).values_list("staff_id", flat=True):
        result.setdefault(staff_id, ch.RecipientRole.MEMBER)
    items = meeting.items.filter(dropped=False)
    for staff_id in items.exclude(customer__manager__isnull=True).values_list(
        "customer__manager_id", flat=True
    ):
        result.setdefault(staff_id, ch.RecipientRole.ACCOUNT_MANAGER)
    booking_units = set(items.values_list("customer__branch_id", flat=True)) | {meeting.branch_id}
    for staff_id in Staff.objects.filter(
        branch_id=meeting.branch_id,
        department="risk",
        position__in=["dept_head", "deputy_head"],
    ).values_list("staff_id", flat=True):
        result.setdefault(staff_id, ch.RecipientRole.RISK_HEAD)
    for staff_id in Staff.objects.filter(
        branch_id__in=booking_units, position="risk_manager"
    ).values_list("staff_id", flat=True):
        result.setdefault(staff_id, ch.RecipientRole.RISK_MANAGER)
    return result
