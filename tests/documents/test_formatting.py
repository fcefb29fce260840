"""One formatter, one rounding rule (ROUND_HALF_UP) for every module that writes an amount."""

import datetime as dt
from decimal import Decimal

from postloan.core import formats
from postloan.documents import formatting
from postloan.meetings import prefill, resolution_types
from postloan.web.templatetags import money


def test_it_rounds_half_up_in_wan_where_half_even_would_round_down():
    assert formats.wan(Decimal("1250")) == "0.13"
    assert formats.wan_text(Decimal("1250")) == "0.13万元"
    assert formats.wan(Decimal("1150")) == "0.12"  # 0.115 → 0.12 (HALF_EVEN gives 0.12 too)
    assert formats.yuan(Decimal("0.125")) == "0.13"
    assert formats.pct(Decimal("0.123450")) == "12.35%"


def test_it_writes_the_same_figure_in_every_module():
    amount = Decimal("1250")
    assert prefill._wan(amount) == "0.13万元"
    assert formatting.wan(amount) == money.wanyuan(amount) == "0.13"
    assert formatting.yuan(Decimal("10000000")) == money.yuan(Decimal("10000000"))
    assert formatting.yuan(Decimal("10000000")) == "10,000,000.00"


def test_it_separates_thousands_in_resolution_text():
    class Res:
        params = {"target_balance": "10000000", "target_date": "2026-12-31"}
        type = "reduce_exposure"
        text = "请客户经理督促压降用信。"

        def get_type_display(self):
            return "压降授信"

    text = resolution_types.describe(Res())
    assert "10,000,000.00元" in text
    assert "。。" not in text


def test_it_ends_a_sentence_once():
    assert formats.sentence("压降用信。") == "压降用信。"
    assert formats.sentence("压降用信") == "压降用信。"
    assert formats.sentence("压降用信。。") == "压降用信。"
    assert formats.punctuation("用信。。执行部门；；") == "用信。执行部门；"
    assert formats.sentence("") == ""


def test_it_shows_blanks_as_a_dash_and_dates_as_iso():
    assert formats.yuan(None) == formats.wan("") == formats.pct(None) == "—"
    assert formats.day(dt.date(2026, 10, 31)) == "2026-10-31"
    assert formats.day("2026-10-31") == "2026-10-31"
    assert formats.day(None) == "—"
