"""Working days follow the Chinese official calendar, extended by the calendar_days table."""

import datetime as dt

import pytest

from postloan.core.models import CalendarDay
from postloan.core.workdays import (
    add_working_days,
    is_working_day,
    next_working_day,
    year_is_known,
)

pytestmark = pytest.mark.django_db
D = dt.date


def test_it_knows_the_2026_spring_festival_and_its_make_up_saturday():
    assert not is_working_day(D(2026, 2, 17))  # 春节
    assert is_working_day(D(2026, 2, 14))  # Saturday, 调休上班
    assert next_working_day(D(2026, 2, 16)) == D(2026, 2, 24)


def test_it_moves_a_date_past_national_day():
    assert not is_working_day(D(2026, 10, 1))
    assert next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_it_counts_back_seven_working_days_across_a_holiday():
    # A meeting on 2026-10-12 needs notice 7 working days before it: 10-10 (Saturday, 调休上班),
    # 10-09, 10-08, 09-30, 09-29, 09-28, then past 中秋 (09-25) and the weekend to 09-24.
    assert add_working_days(D(2026, 10, 12), -7) == D(2026, 9, 24)


def test_it_never_crashes_on_an_unknown_year_and_falls_back_to_weekdays():
    assert not year_is_known(2031)
    assert is_working_day(D(2031, 1, 1))  # a Wednesday, unknown arrangement
    assert not is_working_day(D(2031, 1, 4))  # Saturday


def test_it_lets_the_table_extend_and_override_the_package():
    CalendarDay.objects.create(date=D(2031, 1, 1), kind="holiday", name="元旦")
    CalendarDay.objects.create(date=D(2026, 10, 1), kind="workday", name="测试覆盖")
    assert not is_working_day(D(2031, 1, 1))
    assert is_working_day(D(2026, 10, 1))
    assert year_is_known(2031)
