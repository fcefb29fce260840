"""The rules of when post-loan work falls due (domain.md §2.1, §2.2), as plain functions.

Working days: a deadline "at least every N months" that falls on a holiday moves to the next
working day (顺延); a step that must happen "N days/months before" an event (催收函, 资金落实)
moves to the working day before (提前), so it is never late for the event.
"""

import calendar
import datetime as dt
import zlib

from postloan.core.workdays import WorkdayCalendar
from postloan.worklist.policy import setting

CLASS_RANK = {"normal": 0, "special_mention": 1, "substandard": 2, "doubtful": 3, "loss": 4}
BAD_CLASSES = {"doubtful", "loss"}
INTEREST_MONTHS = (3, 6, 9, 12)
INTEREST_DAY = 20


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def worst_class(classes) -> str:
    return max(classes, key=lambda c: CLASS_RANK.get(c, 0), default="normal")


def inspection_interval_months(worst: str, in_litigation: bool = False) -> int:
    """Minimum on-site inspection frequency of a customer, in months."""
    if in_litigation or worst in BAD_CLASSES:
        return int(setting("WORKLIST_BAD_CLASS_MONTHS"))
    return int(setting("WORKLIST_CLASS_MONTHS").get(worst, 3))


def inspection_due(
    cal: WorkdayCalendar, base: dt.date, months: int, adjustment: int | None = None
) -> dt.date:
    """Due date of the next inspection after `base`; a shorter adjustment from the last
    inspection wins, a longer one never exceeds the policy minimum."""
    if adjustment:
        months = min(months, adjustment)
    return cal.on_or_after(add_months(base, months))


def first_inspection_due(
    cal: WorkdayCalendar, customer_id: str, latest_start: dt.date, as_of: dt.date, months: int
) -> dt.date:
    """Due date of a customer's first scheduled inspection when the system has no history of it.

    From the latest disbursement the cycle gives `latest_start + months`. When that date has
    already passed (the bank starts using the system on a portfolio inspected elsewhere), the
    first inspections are spread over one cycle from the business date — each customer on a
    fixed day of it (a stable hash of its id) — instead of all falling due on the first day:
    every customer is still inspected within one interval, and the workload is even.
    """
    by_cycle = add_months(latest_start, months)
    if by_cycle >= as_of:
        return cal.on_or_after(by_cycle)
    spread_days = max((add_months(as_of, months) - as_of).days, 1)
    offset = zlib.crc32(customer_id.encode("utf-8")) % spread_days
    return cal.on_or_after(as_of + dt.timedelta(days=offset))


def first_check_window(cal: WorkdayCalendar, start: dt.date) -> tuple[dt.date, dt.date]:
    """(available_from, due) of the first follow-up check after a disbursement."""
    earliest, latest = setting("WORKLIST_FIRST_CHECK_DAYS")
    return (
        cal.on_or_after(start + dt.timedelta(days=earliest)),
        cal.on_or_before(start + dt.timedelta(days=latest)),
    )


def is_short_term(start: dt.date, maturity: dt.date) -> bool:
    """短期贷款: a term of one year or less."""
    return maturity <= add_months(start, 12)


def notice_due(cal: WorkdayCalendar, start: dt.date, maturity: dt.date) -> dt.date:
    """到期贷款催收函: 1 week before maturity for short-term loans, 1 month for others."""
    if is_short_term(start, maturity):
        day = maturity - dt.timedelta(days=int(setting("WORKLIST_NOTICE_SHORT_DAYS")))
    else:
        day = add_months(maturity, -int(setting("WORKLIST_NOTICE_LONG_MONTHS")))
    return cal.on_or_before(day)


def funds_check_due(cal: WorkdayCalendar, event: dt.date) -> dt.date:
    """3 working days before a maturity or an acceptance bill's due date."""
    return cal.add(cal.on_or_before(event), -int(setting("WORKLIST_FUNDS_CHECK_WORKING_DAYS")))


def interest_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    """结息日 (the 20th of Mar/Jun/Sep/Dec) within [start, end]."""
    days, year = [], start.year
    while year <= end.year:
        for month in INTEREST_MONTHS:
            day = dt.date(year, month, INTEREST_DAY)
            if start <= day <= end:
                days.append(day)
        year += 1
    return days


def previous_interest_date(day: dt.date) -> dt.date:
    return add_months(day, -3)


def guarantee_letter_due(cal: WorkdayCalendar, expiry: dt.date) -> dt.date:
    return cal.add(expiry, int(setting("WORKLIST_GUARANTEE_LETTER_WORKING_DAYS")))


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    return add_months(quarter_start(day), 3) - dt.timedelta(days=1)
