"""The one formatter: how 元, 万元, percentages, ratios and dates read — on the web pages, in
Excel, Word and PDF alike — with one rounding rule, ROUND_HALF_UP (as bank statements round:
1,250 元 is 0.13 万元). Formats, never computes. Pure Python: any module may import it.

`sentence()` ends a text with one full stop however its parts were put together (no "。。")."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

EMPTY = "—"
CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10_000)
ROUNDING = ROUND_HALF_UP


def decimal(value) -> Decimal | None:
    """A Decimal from a Decimal, int, numeric string or (display only) float; None if blank."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # never expected for money; tolerated for display only
        value = repr(value)
    try:
        return Decimal(str(value).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def round_half_up(value, places: int = 2) -> Decimal | None:
    amount = decimal(value)
    if amount is None:
        return None
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def yuan(value, empty: str = EMPTY) -> str:
    """1234567.8 → "1,234,567.80" (元)."""
    amount = round_half_up(value)
    return empty if amount is None else f"{amount:,}"


def wan(value, empty: str = EMPTY) -> str:
    """1234567.8 → "123.46" (万元); 1250 → "0.13"."""
    amount = decimal(value)
    if amount is None:
        return empty
    return f"{round_half_up(amount / TEN_THOUSAND):,}"


def yuan_text(value) -> str:
    """An amount inside a sentence: "10,000,000.00元"."""
    return f"{yuan(value)}元"


def wan_text(value) -> str:
    """An amount inside a sentence: "0.13万元"."""
    return f"{wan(value)}万元"


def pct(value, places: int = 2) -> str:
    """A ratio 0.6532 → "65.32%"."""
    ratio_ = decimal(value)
    if ratio_ is None:
        return EMPTY
    return f"{round_half_up(ratio_ * 100, places)}%"


def ratio(value, places: int = 2) -> str:
    """A plain ratio 1.2345 → "1.23"."""
    number = round_half_up(value, places)
    return EMPTY if number is None else str(number)


def day(value) -> str:
    """A date as YYYY-MM-DD; an ISO string is accepted as it is stored in JSON."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
        return value[:10]
    return EMPTY


def moment(value) -> str:
    """A time stamp as YYYY-MM-DD HH:MM (local time)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    return day(value)


_END = "。！？；"
_DOUBLED = re.compile(r"([。，；：！？、])[。，；：！？、]+")


def punctuation(text: str) -> str:
    """Collapses doubled Chinese punctuation ("用信。。执行部门" → "用信。执行部门")."""
    return _DOUBLED.sub(r"\1", text or "")


def sentence(text: str) -> str:
    """`text` ending in exactly one full stop (or its own 。！？；)."""
    text = punctuation((text or "").strip()).rstrip("，、：,.")
    if not text:
        return ""
    return text if text[-1] in _END else f"{text}。"
