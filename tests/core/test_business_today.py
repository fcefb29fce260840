"""One `today`: the stored business date (core/business_date.py), never the wall clock.

Every rule, action and page asks `business_today()`; before any import it refuses in Chinese
instead of quietly using the calendar. Only core/business_date.py reads the wall clock's day
(`calendar_day()`, for file names and folders).
"""

import datetime as dt
import re
from pathlib import Path

import pytest

from postloan.core.business_date import business_today, set_business_date
from postloan.core.errors import DomainError
from postloan.core.models import BusinessDate

SRC = Path(__file__).resolve().parents[2] / "src" / "postloan"
WALL_CLOCK_DAY = re.compile(r"date\.today\(|now\(\)\.date\(\)|localdate\(")
OWN_TODAY = re.compile(r"^def (business_)?today\(", re.MULTILINE)
ONE_PLACE = SRC / "core" / "business_date.py"


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts and path != ONE_PLACE:
            yield path, path.read_text(encoding="utf-8")


def test_no_module_reads_the_wall_clock_day_outside_core_business_date():
    offenders = [
        f"{path.relative_to(SRC)}:{text[: m.start()].count(chr(10)) + 1}: {m.group(0)}"
        for path, text in _modules()
        for m in WALL_CLOCK_DAY.finditer(text)
    ]
    assert offenders == []


def test_no_second_business_today():
    copies = [str(path.relative_to(SRC)) for path, text in _modules() if OWN_TODAY.search(text)]
    assert copies == []


def test_the_pattern_would_catch_a_wall_clock_fallback():
    """The grep above is not vacuous: it finds the forms the old copies used."""
    for line in (
        "return current_business_date() or timezone.localdate()",
        "return current_business_date() or dt.date.today()",
        "day = timezone.now().date()",
    ):
        assert WALL_CLOCK_DAY.search(line), line


@pytest.mark.django_db
def test_business_today_refuses_without_a_business_date():
    BusinessDate.objects.all().delete()
    with pytest.raises(DomainError) as refused:
        business_today()
    assert refused.value.message == "尚未设定业务日期：请先导入数据或设定业务日期"


@pytest.mark.django_db
def test_business_today_is_the_stored_date_not_the_calendar():
    set_business_date(dt.date(2020, 3, 31))
    assert business_today() == dt.date(2020, 3, 31)
    set_business_date(dt.date(2020, 4, 30))
    assert business_today() == dt.date(2020, 4, 30)


@pytest.mark.django_db
def test_a_page_without_a_business_date_says_so_in_the_frame(bank, login):
    BusinessDate.objects.all().delete()
    response = login(bank.users["am_zhang"]).get("/work/inspections/")
    assert response.status_code == 409
    assert "尚未设定业务日期" in response.content.decode()
