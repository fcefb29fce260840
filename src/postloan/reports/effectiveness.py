"""会议效果评估: did a meeting do what it should, and did its customers' risk move afterwards?

Per meeting:
- 出席率: committee members present ÷ committee members on the attendance list.
- 议程覆盖率: customers of the plan the data called for when the meeting was scheduled (the
  `meeting.scheduled` audit row) that were actually reviewed (on the agenda, not dropped, decided)
  ÷ planned customers.
- 决议: adopted (all resolutions of the meeting), verified by data, reported, failed, overdue.
- 3 and 6 months later, at the screening date nearest to meeting date + N months (within
  `NEAREST_DAYS` days, never after the business date): the reviewed customers' balance change,
  class migration (customer's worst class) and signals released (open at the meeting, released
  since), against similar customers not reviewed — of the same unit, same worst class and same
  customer type at the screening before the meeting. Without such a date: 尚无N个月后数据.
"""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from postloan.contract import CLASS_ORDER
from postloan.core.business_date import current_business_date
from postloan.core.formats import round_half_up
from postloan.core.models import AuditEvent
from postloan.meetings import choices as mch
from postloan.risk.current import with_current_class
from postloan.risk.models import LoanAssessment, Signal

ZERO = Decimal("0")
NEAREST_DAYS = 20
HORIZONS = (3, 6)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ratio(num, den) -> Decimal | None:
    if not den:
        return None
    return round_half_up(Decimal(num) / Decimal(den) * 100, 1)


@dataclass
class GroupFigures:
    """The risk movement of a group of customers between two screening dates."""

    customers: int = 0
    balance_before: Decimal = ZERO
    balance_after: Decimal = ZERO
    upgraded: int = 0
    downgraded: int = 0
    signals_open: int = 0
    signals_released: int = 0

    @property
    def balance_reduced(self) -> Decimal:
        return self.balance_before - self.balance_after

    @property
    def reduction_rate(self) -> Decimal | None:
        return ratio(self.balance_reduced, self.balance_before)

    @property
    def downgrade_rate(self) -> Decimal | None:
        return ratio(self.downgraded, self.customers)

    @property
    def upgrade_rate(self) -> Decimal | None:
        return ratio(self.upgraded, self.customers)

    @property
    def release_rate(self) -> Decimal | None:
        return ratio(self.signals_released, self.signals_open)


@dataclass
class Outlook:
    months: int
    target: dt.date
    as_of: dt.date | None = None
    reviewed: GroupFigures | None = None
    peers: GroupFigures | None = None

    @property
    def missing_text(self) -> str:
        return f"尚无{self.months}个月后数据"


@dataclass
class MeetingEffect:
    meeting: object
    members: int = 0
    members_present: int = 0
    attendees: int = 0
    present: int = 0
    planned: list[str] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)
    resolutions: dict = field(default_factory=dict)
    baseline: dt.date | None = None
    outlooks: list[Outlook] = field(default_factory=list)

    @property
    def attendance_rate(self) -> Decimal | None:
        return ratio(self.members_present, self.members)

    @property
    def planned_reviewed(self) -> list[str]:
        return sorted(set(self.planned) & set(self.reviewed))

    @property
    def planned_missed(self) -> list[str]:
        return sorted(set(self.planned) - set(self.reviewed))

    @property
    def coverage_rate(self) -> Decimal | None:
        return ratio(len(self.planned_reviewed), len(self.planned))

    @property
    def verified_rate(self) -> Decimal | None:
        return ratio(self.resolutions.get("verified", 0), self.resolutions.get("adopted", 0))


def planned_customers(meeting) -> list[str]:
    event = (
        AuditEvent.objects.filter(
            action="meetings.meeting.scheduled",
            object_type="meetings.meeting",
            object_id=str(meeting.pk),
        )
        .order_by("id")
        .first()
    )
    plan = ((event.after or {}).get("plan") or {}) if event else {}
    return [c["customer_id"] for c in plan.get("customers", [])]


def _screening_dates(until: dt.date) -> list[dt.date]:
    return sorted(
        LoanAssessment.objects.filter(as_of__lte=until)
        .values_list("as_of", flat=True)
        .distinct()
        .order_by()
    )


def _nearest(dates: list[dt.date], target: dt.date) -> dt.date | None:
    near = [d for d in dates if abs((d - target).days) <= NEAREST_DAYS]
    return min(near, key=lambda d: (abs((d - target).days), d)) if near else None


def _positions(as_of: dt.date, branch_path: str) -> dict[str, tuple[str, Decimal, str]]:
    """Per customer of the unit at a screening date: (worst class, balance, customer type)."""
    rows = with_current_class(
        LoanAssessment.objects.filter(as_of=as_of, customer__branch__path__startswith=branch_path)
    ).values_list("customer_id", "current_cls", "balance", "customer__type")
    out: dict[str, tuple[str, Decimal, str]] = {}
    for cid, cls, balance, ctype in rows:
        worst, total, _ = out.get(cid, (cls, ZERO, ctype))
        if CLASS_ORDER[cls] > CLASS_ORDER[worst]:
            worst = cls
        out[cid] = (worst, total + balance, ctype)
    return out


def _signals(customer_ids, meeting_date: dt.date) -> dict[str, list]:
    """Released-on dates of the signals open at the meeting date, per customer."""
    rows = Signal.objects.filter(customer_id__in=customer_ids, raised_on__lte=meeting_date).filter(
        Q(released_on__isnull=True) | Q(released_on__gt=meeting_date)
    )
    out: dict[str, list] = defaultdict(list)
    for cid, released in rows.values_list("customer_id", "released_on"):
        out[cid].append(released)
    return out


def _figures(ids, before, after, signals, later: dt.date) -> GroupFigures:
    g = GroupFigures(customers=len(ids))
    for cid in ids:
        cls_before, bal_before, _ = before[cid]
        g.balance_before += bal_before
        if cid in after:
            cls_after, bal_after, _ = after[cid]
            g.balance_after += bal_after
            g.upgraded += CLASS_ORDER[cls_after] < CLASS_ORDER[cls_before]
            g.downgraded += CLASS_ORDER[cls_after] > CLASS_ORDER[cls_before]
        for released in signals.get(cid, []):
            g.signals_open += 1
            g.signals_released += released is not None and released <= later
    return g


def meeting_effect(meeting) -> MeetingEffect:
    effect = MeetingEffect(meeting=meeting)
    attendance = meeting.attendance.aggregate(
        members=Count("pk", filter=Q(is_member=True)),
        members_present=Count("pk", filter=Q(is_member=True, present=True)),
        attendees=Count("pk"),
        present=Count("pk", filter=Q(present=True)),
    )
    for key, value in attendance.items():
        setattr(effect, key, value)
    effect.planned = planned_customers(meeting)
    effect.reviewed = list(
        meeting.items.filter(dropped=False)
        .exclude(outcome=mch.ItemOutcome.PENDING)
        .values_list("customer_id", flat=True)
    )
    statuses = dict(meeting.resolutions.values_list("status").annotate(n=Count("pk")).order_by())
    effect.resolutions = {
        "adopted": sum(statuses.values()),
        **{s.value: statuses.get(s.value, 0) for s in mch.ResolutionStatus},
    }
    today = current_business_date() or meeting.date
    dates = _screening_dates(today)
    before_dates = [d for d in dates if d <= meeting.date]
    effect.baseline = before_dates[-1] if before_dates else None
    for months in HORIZONS:
        outlook = Outlook(months=months, target=add_months(meeting.date, months))
        effect.outlooks.append(outlook)
        later = _nearest([d for d in dates if d > meeting.date], outlook.target)
        if later is None or effect.baseline is None:
            continue
        outlook.as_of = later
        path = meeting.branch.path
        before = _positions(effect.baseline, path)
        after = _positions(later, path)
        reviewed = [c for c in effect.reviewed if c in before]
        kinds = {(before[c][0], before[c][2]) for c in reviewed}
        peers = [
            c
            for c, (cls, _, ctype) in before.items()
            if c not in set(effect.reviewed) and (cls, ctype) in kinds
        ]
        signals = _signals(reviewed + peers, meeting.date)
        outlook.reviewed = _figures(reviewed, before, after, signals, later)
        outlook.peers = _figures(peers, before, after, signals, later)
    return effect


def meeting_list(meetings) -> list:
    """The held meetings with their headline figures (one annotated query)."""
    return list(
        meetings.filter(status__in=[mch.MeetingStatus.HELD, mch.MeetingStatus.SIGNED])
        .select_related("branch")
        .annotate(
            n_members=Count("attendance", filter=Q(attendance__is_member=True), distinct=True),
            n_present=Count(
                "attendance",
                filter=Q(attendance__is_member=True, attendance__present=True),
                distinct=True,
            ),
            n_items=Count("items", filter=Q(items__dropped=False), distinct=True),
            n_resolutions=Count("resolutions", distinct=True),
            n_verified=Count(
                "resolutions", filter=Q(resolutions__status="verified"), distinct=True
            ),
            n_failed=Count("resolutions", filter=Q(resolutions__status="failed"), distinct=True),
        )
        .order_by("-date", "branch_id")[:100]
    )
