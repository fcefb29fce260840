"""Oversight of lower units: meetings held on time, customers reviewed, execution rate."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from postloan.meetings import choices as ch
from postloan.meetings.models import AgendaItem, Meeting, Resolution
from postloan.org.models import Branch


@dataclass
class UnitOversight:
    branch: object
    months_expected: int
    months_held: int
    late_months: list
    last_meeting: dt.date | None
    customers_reviewed: int
    resolutions: int
    executed: int
    due: int

    @property
    def execution_rate(self):
        return (Decimal(self.executed) / self.due) if self.due else None


def _months(until: dt.date, count: int) -> list[dt.date]:
    out, y, m = [], until.year, until.month
    for _ in range(count):
        out.append(dt.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return sorted(out)


def oversight(upper, as_of: dt.date, months: int = 3) -> list[UnitOversight]:
    """One row per unit below `upper` that holds meetings (three grouped queries)."""
    units = list(
        Branch.objects.filter(path__startswith=upper.path, holds_meetings=True)
        .exclude(pk=upper.pk)
        .order_by("path")
    )
    codes = [u.pk for u in units]
    window = _months(as_of, months)
    since = window[0]
    held = Meeting.objects.filter(
        branch_id__in=codes,
        status__in=[ch.MeetingStatus.HELD, ch.MeetingStatus.SIGNED],
        date__gte=since,
        date__lte=as_of,
    ).values_list("branch_id", "date")
    held_months: dict[str, set] = {}
    last: dict[str, dt.date] = {}
    for code, day in held:
        held_months.setdefault(code, set()).add(day.replace(day=1))
        last[code] = max(last.get(code, day), day)
    reviewed = dict(
        AgendaItem.objects.filter(
            meeting__branch_id__in=codes,
            meeting__date__gte=since,
            meeting__date__lte=as_of,
            dropped=False,
        )
        .exclude(outcome=ch.ItemOutcome.PENDING)
        .values("meeting__branch_id")
        .annotate(n=Count("customer_id", distinct=True))
        .values_list("meeting__branch_id", "n")
    )
    S = ch.ResolutionStatus
    res = {
        row["meeting__branch_id"]: row
        for row in Resolution.objects.filter(
            meeting__branch_id__in=codes, meeting__status=ch.MeetingStatus.SIGNED
        )
        .values("meeting__branch_id")
        .annotate(
            total=Count("id"),
            executed=Count("id", filter=Q(status__in=[S.VERIFIED, S.CLAIMED])),
            due=Count(
                "id",
                filter=Q(deadline__lt=as_of) | Q(status__in=[S.VERIFIED, S.CLAIMED, S.FAILED]),
            ),
        )
    }
    # The current month is not late until it is over.
    expected = [m for m in window if m < as_of.replace(day=1)] or window[:1]
    rows = []
    for unit in units:
        got = held_months.get(unit.pk, set())
        r = res.get(unit.pk, {})
        rows.append(
            UnitOversight(
                branch=unit,
                months_expected=len(expected),
                months_held=len([m for m in expected if m in got]),
                late_months=[m for m in expected if m not in got],
                last_meeting=last.get(unit.pk),
                customers_reviewed=reviewed.get(unit.pk, 0),
                resolutions=r.get("total", 0),
                executed=r.get("executed", 0),
                due=r.get("due", 0),
            )
        )
    return rows
