"""Resolutions as tasks: what each responsible person must still execute (for the 工作台)."""

from postloan.meetings import choices as ch
from postloan.meetings.models import Resolution
from postloan.meetings.verification import in_force
from postloan.org.visibility import staff_of


def open_resolution_tasks(user):
    """The signed resolutions `user` is responsible for and that are not yet proven, by deadline.

    Each row has `.customer`, `.deadline`, `.get_type_display()`, `.describe()`, `.status`;
    its page is `reverse("meetings:resolution", args=[row.pk])`.
    """
    staff = staff_of(user)
    if staff is None:
        return Resolution.objects.none()
    return (
        in_force()
        .filter(
            responsible=staff,
            status__in=[
                ch.ResolutionStatus.OPEN,
                ch.ResolutionStatus.OVERDUE,
                ch.ResolutionStatus.FAILED,
            ],
        )
        .select_related("customer", "meeting", "meeting__branch")
        .order_by("deadline", "id")
    )


def earlier_resolutions(meeting):
    """Resolutions of earlier meetings of this unit still to report: the agenda's item 4."""
    return (
        in_force()
        .filter(meeting__branch=meeting.branch, meeting__date__lt=meeting.date)
        .exclude(closed_on__lt=meeting.date.replace(day=1))
        .select_related("customer", "responsible", "meeting")
        .order_by("customer_id", "deadline")
    )


def execution_report_text(meeting) -> str:
    lines = []
    for r in earlier_resolutions(meeting):
        lines.append(
            f"{r.customer.name}：{r.describe()}（{r.meeting.date:%Y-%m-%d}例会，责任人"
            f"{r.responsible.name}，期限{r.deadline:%Y-%m-%d}）——{r.get_status_display()}"
            f"{('：' + r.check_detail) if r.check_detail else ''}"
        )
    return "\n".join(lines) or "无前次例会决议需要汇报。"
