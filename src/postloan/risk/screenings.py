"""Which screening a date reads: the one read of "the latest screening" (published as
`risk.queries.latest_screening`; `risk.current` reads it here to avoid importing the queries)."""

import datetime as dt

from django.db.models import Max

from postloan.risk.models import LoanAssessment


def latest_screening(as_of: dt.date | None, rows=None) -> dt.date | None:
    """The business date of the latest screening on or before `as_of` (None before the first).

    `rows` narrows it to the screenings a queryset of result rows holds: `LoanAssessment` rows
    of a unit's scope, or another result table (the ranking's `CustomerRiskView`); by default
    every loan's assessments."""
    if as_of is None:
        return None
    qs = LoanAssessment.objects.all() if rows is None else rows
    return qs.filter(as_of__lte=as_of).aggregate(d=Max("as_of"))["d"]
