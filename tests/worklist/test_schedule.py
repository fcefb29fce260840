"""When post-loan work falls due: frequencies per class, notices, funds checks, working days."""

import datetime as dt

import pytest

from postloan.core.models import CalendarDay
from postloan.core.workdays import WorkdayCalendar
from postloan.worklist import schedule as sch

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def cal():
    return WorkdayCalendar(D(2025, 1, 1), D(2027, 12, 31))


@pytest.mark.parametrize(
    ("worst", "litigation", "months"),
    [
        ("normal", False, 3),
        ("special_mention", False, 3),
        ("substandard", False, 1),
        ("doubtful", False, 6),
        ("loss", False, 6),
        ("normal", True, 6),
    ],
)
def test_it_sets_the_inspection_frequency_by_worst_class(worst, litigation, months):
    assert sch.inspection_interval_months(worst, litigation) == months


def test_it_takes_the_worst_class_of_a_customer():
    assert sch.worst_class(["normal", "substandard", "special_mention"]) == "substandard"
    assert sch.worst_class([]) == "normal"


def test_it_makes_half_yearly_a_setting(settings):
    settings.WORKLIST_BAD_CLASS_MONTHS = 12
    assert sch.inspection_interval_months("doubtful") == 12


def test_it_moves_inspection_due_dates_past_the_spring_festival(cal):
    # 2026-02-15..23 is the Spring Festival holiday; 2026-02-14 (Saturday) is a make-up day.
    assert sch.inspection_due(cal, D(2025, 11, 15), 3) == D(2026, 2, 24)
    assert sch.inspection_due(cal, D(2025, 11, 14), 3) == D(2026, 2, 14)


def test_it_keeps_national_day_make_up_days_as_working_days(cal):
    # 2026-09-20 (Sunday) and 2026-10-10 (Saturday) are make-up working days.
    assert sch.inspection_due(cal, D(2026, 6, 20), 3) == D(2026, 9, 20)
    assert sch.inspection_due(cal, D(2026, 7, 10), 3) == D(2026, 10, 10)
    assert sch.inspection_due(cal, D(2026, 7, 1), 3) == D(2026, 10, 8)


def test_it_lets_a_shorter_adjustment_win_but_never_a_longer_one(cal):
    assert sch.inspection_due(cal, D(2026, 3, 2), 3, adjustment=1) == D(2026, 4, 2)
    assert sch.inspection_due(cal, D(2026, 3, 2), 3, adjustment=6) == D(2026, 6, 2)


def test_it_tells_short_from_medium_and_long_term_loans():
    assert sch.is_short_term(D(2026, 1, 15), D(2027, 1, 14))
    assert sch.is_short_term(D(2026, 1, 15), D(2027, 1, 15))
    assert not sch.is_short_term(D(2026, 1, 15), D(2027, 1, 16))


def test_it_sends_the_notice_one_week_before_a_short_term_maturity(cal):
    assert sch.notice_due(cal, D(2026, 6, 1), D(2026, 11, 30)) == D(2026, 11, 23)
    # 7 days before 2026-10-12 is in the National Day holiday → the working day before it.
    assert sch.notice_due(cal, D(2026, 4, 12), D(2026, 10, 12)) == D(2026, 9, 30)


def test_it_sends_the_notice_one_month_before_a_long_term_maturity(cal):
    assert sch.notice_due(cal, D(2024, 6, 1), D(2026, 11, 30)) == D(2026, 10, 30)
    # One month before 2026-03-15 is 2026-02-15 (Spring Festival) → the make-up Saturday 02-14.
    assert sch.notice_due(cal, D(2024, 3, 15), D(2026, 3, 15)) == D(2026, 2, 14)


def test_it_checks_funds_three_working_days_before_maturity(cal):
    assert sch.funds_check_due(cal, D(2026, 11, 30)) == D(2026, 11, 25)
    assert sch.funds_check_due(cal, D(2026, 2, 26)) == D(2026, 2, 14)
    assert sch.funds_check_due(cal, D(2026, 10, 9)) == D(2026, 9, 29)


def test_it_lists_the_quarterly_interest_dates():
    assert sch.interest_dates(D(2026, 3, 21), D(2027, 3, 20)) == [
        D(2026, 6, 20),
        D(2026, 9, 20),
        D(2026, 12, 20),
        D(2027, 3, 20),
    ]


def test_it_uses_the_calendar_table_for_years_the_package_does_not_know():
    CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    cal = WorkdayCalendar(D(2026, 1, 1), D(2027, 12, 31))
    assert sch.inspection_due(cal, D(2026, 10, 1), 3) == D(2027, 1, 4)
    # An unknown year without entries never crashes: Monday–Friday.
    far = WorkdayCalendar(D(2031, 1, 1), D(2031, 12, 31))
    assert sch.inspection_due(far, D(2031, 3, 1), 3) == D(2031, 6, 2)
