"""The date windows the engine reads, shared with the snapshot loader (pure Python)."""

from __future__ import annotations

from datetime import date, timedelta

from postloan.risk.engine.thresholds import Thresholds

TXN_MONTHS_BACK = 13  # monthly flows kept: EW-INFLOW-DROP needs 8 months, EW-RETURN-RATIO 7


INTEREST_MONTHS = (3, 6, 9, 12)  # 结息日: the 20th of Mar/Jun/Sep/Dec
INTEREST_DAY = 20


def interest_dates(as_of: date) -> tuple[date, date]:
    """The next quarter interest date on or after ``as_of`` and the one before it."""
    candidates = [
        date(y, m, INTEREST_DAY)
        for y in (as_of.year - 1, as_of.year, as_of.year + 1)
        for m in INTEREST_MONTHS
    ]
    upcoming = min(d for d in candidates if d >= as_of)
    previous = max(d for d in candidates if d < upcoming)
    return upcoming, previous


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def txn_monthly_from(as_of: date) -> date:
    return add_months(month_start(as_of), -TXN_MONTHS_BACK)


def txn_detail_from(as_of: date, th: Thresholds) -> date:
    return as_of - timedelta(days=max(th.fund_use_lookback_days, th.large_outflow_lookback_days))


def large_outflow_from(as_of: date, th: Thresholds) -> date:
    return as_of - timedelta(days=th.large_outflow_lookback_days)


def disbursements_from(as_of: date, th: Thresholds) -> date:
    return as_of - timedelta(days=th.fund_use_lookback_days)


def schedule_until(as_of: date, th: Thresholds) -> date:
    """Instalments due up to this date matter for the funds checks."""
    return as_of + timedelta(days=max(th.maturity_funds_days_before, 100))
