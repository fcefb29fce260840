"""The one working-day calendar (Chinese official calendar, with holidays and 调休 make-up days).

Sources, in order: the `calendar_days` table (admins' entries win), then the `chinese-calendar`
package (it knows 2004–2026), then — for a year neither knows — Monday to Friday. An unknown year
never raises; `year_is_known()` lets pages warn that next year's arrangement must be entered.
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar

from postloan.core.models import CalendarDay

ONE_DAY = dt.timedelta(days=1)


def _table_entries(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    return {day: kind == CalendarDay.Kind.WORKDAY for day, kind in rows}


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=16_384)  # pure: the package's calendar never changes while running
def _package_or_weekday(day: dt.date) -> bool:
    if _package_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def year_is_known(year: int) -> bool:
    return _package_knows(year) or CalendarDay.objects.filter(date__year=year).exists()


class WorkdayCalendar:
    """Answers working-day questions for a window with one query for the table's entries."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.entries = _table_entries(start - dt.timedelta(days=60), end + dt.timedelta(days=60))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.entries:
            return self.entries[day]
        return _package_or_weekday(day)

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def add(self, day: dt.date, working_days: int) -> dt.date:
        """The date `working_days` working days after (or before, if negative) `day`."""
        step = ONE_DAY if working_days >= 0 else -ONE_DAY
        remaining = abs(working_days)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def count_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


def calendar_for(day: dt.date, span_days: int = 400) -> WorkdayCalendar:
    return WorkdayCalendar(day - dt.timedelta(days=span_days), day + dt.timedelta(days=span_days))


def is_working_day(day: dt.date) -> bool:
    return WorkdayCalendar(day, day).is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the first working day after it."""
    return calendar_for(day, 60).on_or_after(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return calendar_for(day, 60 + 2 * abs(n)).add(day, n)
