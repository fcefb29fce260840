"""Amounts as bank staff read them: 元 with thousands separators, 万元 for large sums — the
template filters of the one formatter (`postloan.core.formats`), so pages, Excel, Word and PDF
round alike (ROUND_HALF_UP)."""

from django import template

from postloan.core import formats

register = template.Library()

EMPTY = formats.EMPTY


@register.filter
def yuan(value) -> str:
    """1234567.8 → "1,234,567.80" (元)."""
    return formats.yuan(value)


@register.filter
def wanyuan(value) -> str:
    """1234567.8 → "123.46" (万元)."""
    return formats.wan(value)


@register.filter
def percent(value, places: int = 1) -> str:
    """A ratio 0.6532 → "65.3%"."""
    return formats.pct(value, int(places))


@register.filter
def ratio(value, places: int = 2) -> str:
    """A plain ratio 1.2345 → "1.23"."""
    return formats.ratio(value, int(places))


@register.filter
def rate(value) -> str:
    """An annual interest rate 0.0435 → "4.3500%"."""
    return percent(value, 4)


@register.filter
def sentence(value) -> str:
    """A text ending in exactly one full stop (no "。。" where parts were joined)."""
    return formats.sentence(str(value or ""))
