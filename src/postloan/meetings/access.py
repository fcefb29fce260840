"""Who may see and do what in the meeting pages. Views call these; actions re-check them."""

from django.db.models import Q
from django.http import Http404

from postloan.org.choices import Role
from postloan.org.roles import has_role
from postloan.org.visibility import customer_scope, sees_everything, staff_of

SECRETARY_ROLES = (Role.RISK_MANAGER, Role.CHAIR, Role.VICE_CHAIR, Role.ADMIN)


def visible_meetings(user):
    """Meetings of the user's unit and below, those notified of, and those with own customers."""
    from postloan.meetings.models import Meeting

    if sees_everything(user):
        return Meeting.objects.all()
    staff = staff_of(user)
    if staff is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        Q(branch__path__startswith=staff.branch.path)
        | Q(notifications__recipient=staff)
        | Q(items__customer__manager=staff, items__dropped=False)
        | Q(branch__committee__members__staff=staff, branch__committee__members__active=True)
    ).distinct()


def get_meeting(user, pk):
    meeting = visible_meetings(user).select_related("branch").filter(pk=pk).first()
    if meeting is None:
        raise Http404("例会不存在或无权查看")
    return meeting


def is_member(user, meeting) -> bool:
    staff = staff_of(user)
    if staff is None:
        return False
    from postloan.meetings.models import CommitteeMember

    return CommitteeMember.objects.filter(
        committee__branch=meeting.branch, staff=staff, active=True
    ).exists()


def visible_items(user, meeting):
    """Agenda items the user may open: all for members and the unit's secretaries, else own."""
    items = meeting.items.select_related("customer", "customer__manager").order_by("rank")
    if sees_everything(user) or is_member(user, meeting) or can_run(user, meeting):
        return items
    return items.filter(customer_scope(user, "customer__"))


def can_run(user, meeting_or_branch) -> bool:
    """The risk secretary (风险部门) of the unit — or its chair — runs the meeting's record."""
    if sees_everything(user):
        return True
    branch = getattr(meeting_or_branch, "branch", meeting_or_branch)
    staff = staff_of(user)
    if staff is None or staff.branch_id != branch.branch_code:
        return False
    return has_role(user, *SECRETARY_ROLES)


def can_certify(user, branch) -> bool:
    staff = staff_of(user)
    return (
        staff is not None
        and staff.branch_id == branch.branch_code
        and has_role(user, Role.CREDIT_MGMT)
    )


def can_view_branch(user, branch) -> bool:
    if sees_everything(user):
        return True
    staff = staff_of(user)
    return staff is not None and branch.path.startswith(staff.branch.path)
