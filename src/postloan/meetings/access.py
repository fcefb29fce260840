"""Who may see and do what in the meeting pages. Views call these; actions re-check them.

Reading a meeting's record (pages, documents, exports, API) is decided by `record_reach`:

- FULL — the unit's secretaries (风险部门, 主任/副主任委员), the committee's members (and those who
  sat as members), the attendees notified as members, risk head or risk managers, the upper
  units' oversight (风险经理, 信贷管理, 审计, 行长/副行长 of a unit above) and internal audit of
  the unit itself: the whole record.
- OWN — an account manager with a customer on the agenda: only the items of their customers.
- NONE — everyone else: 403.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from postloan.meetings import choices as ch
from postloan.meetings.models import AgendaItem, CommitteeMember, Meeting, Resolution
from postloan.org.choices import Role
from postloan.org.roles import has_role
from postloan.org.visibility import sees_everything, staff_of

SECRETARY_ROLES = (Role.RISK_MANAGER, Role.CHAIR, Role.VICE_CHAIR, Role.ADMIN)
# An upper unit's staff in these roles oversee its lower units' meetings (督导).
OVERSIGHT_ROLES = (Role.RISK_MANAGER, Role.CREDIT_MGMT, Role.AUDITOR, Role.CHAIR, Role.VICE_CHAIR)
# Attendees notified in these capacities see the whole record; account managers do not.
ATTENDEE_ROLES = (
    ch.RecipientRole.MEMBER,
    ch.RecipientRole.RISK_HEAD,
    ch.RecipientRole.RISK_MANAGER,
    ch.RecipientRole.CHAIR,
)


class Reach(StrEnum):
    FULL = "full"
    OWN = "own"
    NONE = "none"


def _full_q(user) -> Q:
    """Meetings whose whole record `user` may read (a Q over Meeting)."""
    if sees_everything(user):
        return Q()
    staff = staff_of(user)
    if staff is None:
        return Q(pk__in=[])
    q = Q(branch__committee__members__staff=staff, branch__committee__members__active=True) | Q(
        attendance__staff=staff, attendance__is_member=True
    )
    q |= Q(
        notifications__recipient=staff,
        notifications__kind=ch.NotificationKind.NOTICE,
        notifications__recipient_role__in=ATTENDEE_ROLES,
    )
    if has_role(user, *SECRETARY_ROLES):
        q |= Q(branch_id=staff.branch_id)
    if has_role(user, *OVERSIGHT_ROLES):
        q |= Q(branch__path__startswith=staff.branch.path) & ~Q(branch_id=staff.branch_id)
    if has_role(user, Role.AUDITOR):
        q |= Q(branch__path__startswith=staff.branch.path)
    return q


def _own_q(user) -> Q:
    staff = staff_of(user)
    if staff is None:
        return Q(pk__in=[])
    return Q(items__customer__manager=staff, items__dropped=False)


def readable_meetings(user):
    """Meetings whose record `user` may open, whole or their own customers' part."""
    if sees_everything(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(
        pk__in=Meeting.objects.filter(_full_q(user) | _own_q(user)).values("pk")
    )


def record_reach(user, meeting) -> Reach:
    """How much of this meeting's record `user` may read (cached on the meeting object)."""
    cache = meeting.__dict__.setdefault("_reach", {})
    key = getattr(user, "pk", None)
    if key not in cache:
        rows = Meeting.objects.filter(pk=meeting.pk)
        if sees_everything(user) or rows.filter(_full_q(user)).exists():
            cache[key] = Reach.FULL
        elif rows.filter(_own_q(user)).exists():
            cache[key] = Reach.OWN
        else:
            cache[key] = Reach.NONE
    return cache[key]


def visible_meetings(user):
    """The meetings a list shows `user`: those whose record they may open (`readable_meetings`)."""
    return readable_meetings(user)


def get_meeting(user, pk):
    """The meeting, if `user` may read its record (else 403); 404 only if there is none."""
    meeting = Meeting.objects.select_related("branch").filter(pk=pk).first()
    if meeting is None:
        raise Http404(gettext("例会不存在"))
    if record_reach(user, meeting) == Reach.NONE:
        raise PermissionDenied(
            gettext("无权查看该例会记录：仅委员、参会人员、上级行督导和上会客户的客户经理可以查看")
        )
    return meeting


def is_member(user, meeting) -> bool:
    staff = staff_of(user)
    if staff is None:
        return False

    return CommitteeMember.objects.filter(
        committee__branch=meeting.branch, staff=staff, active=True
    ).exists()


def require_whole_record(user, meeting) -> None:
    """For what only exists whole (notice, pack, the meeting's effect): FULL reach or 403."""
    if record_reach(user, meeting) != Reach.FULL:
        raise PermissionDenied(gettext("只有委员、参会人员和上级行督导可以查看整次例会的材料"))


def visible_items(user, meeting):
    """Agenda items the user may open: all with the whole record, else their own customers'."""
    items = meeting.items.select_related("customer", "customer__manager").order_by("rank")
    reach = record_reach(user, meeting)
    if reach == Reach.FULL:
        return items
    if reach == Reach.OWN:
        return items.filter(customer__manager=staff_of(user))
    return items.none()


def record_part(user, meeting):
    """The items narrowing the record to `user`'s part, or None for the whole record."""
    if record_reach(user, meeting) == Reach.FULL:
        return None
    return visible_items(user, meeting)


def get_item(user, pk):
    """An agenda item of a readable meeting, if it is within the user's part (else 403)."""
    item = AgendaItem.objects.select_related("meeting", "meeting__branch", "customer").filter(pk=pk)
    item = item.first()
    if item is None:
        raise Http404(gettext("上会客户不存在"))
    get_meeting(user, item.meeting_id)
    if not visible_items(user, item.meeting).filter(pk=item.pk).exists():
        raise PermissionDenied(
            gettext("无权查看该客户的审议记录：客户经理只能查看自己管户客户的审议")
        )
    return item


def readable_resolutions(user):
    """Resolutions one is responsible for, and those of items one may read."""
    if sees_everything(user):
        return Resolution.objects.all()
    staff = staff_of(user)
    if staff is None:
        return Resolution.objects.none()

    full = Meeting.objects.filter(_full_q(user)).values("pk")
    return Resolution.objects.filter(
        Q(responsible=staff) | Q(meeting_id__in=full) | Q(item__customer__manager=staff)
    )


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
