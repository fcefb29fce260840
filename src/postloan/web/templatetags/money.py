"""Amounts as bank staff read them: 元 with thousands separators, 万元 for large sums."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

EMPTY = "—"
CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10_000)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # never expected for money; tolerated for display only
        value = repr(value)
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def yuan(value) -> str:
    """1234567.8 → "1,234,567.80" (元)."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def wanyuan(value) -> str:
    """1234567.8 → "123.46" (万元)."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    return f"{(amount / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def percent(value, places: int = 1) -> str:
    """A ratio 0.6532 → "65.3%"."""
    ratio = _decimal(value)
    if ratio is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-int(places))
    return f"{(ratio * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"


@register.filter
def ratio(value, places: int = 2) -> str:
    """A plain ratio 1.2345 → "1.23"."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    return str(number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP))


@register.filter
def rate(value) -> str:
    """An annual interest rate 0.0435 → "4.3500%"."""
    return percent(value, 4)
