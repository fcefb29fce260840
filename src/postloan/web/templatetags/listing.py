"""Small pieces every list and detail page uses: class tags, sortable headers, empty cells."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from postloan.portfolio.choices import CLASS_LABELS
from postloan.web.queries.classes import CLASS_BY_RANK

register = template.Library()

SIGNAL_LABELS = {
    "yellow": gettext_lazy("黄色"),
    "orange": gettext_lazy("橙色"),
    "red": gettext_lazy("红色"),
}


@register.simple_tag
def class_tag(code) -> str:
    """`normal` → a green 正常 tag; empty when the loan or customer has no class."""
    if not code:
        return mark_safe('<span class="muted">—</span>')
    return format_html('<span class="tag tag-{}">{}</span>', code, CLASS_LABELS.get(code, code))


@register.simple_tag
def class_rank_tag(rank) -> str:
    """The worst class of a customer, given as its rank (0 正常 … 4 损失)."""
    return class_tag(CLASS_BY_RANK.get(rank) if rank is not None else None)


@register.simple_tag
def signal_tag(level) -> str:
    if not level:
        return ""
    return format_html('<span class="tag tag-{}">{}</span>', level, SIGNAL_LABELS.get(level, level))


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False) -> str:
    """A column header that sorts by `key` (click again to reverse), keeping the filters."""
    request = context["request"]
    current = request.GET.get("o", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params["o"] = f"-{key}"
        arrow, state = "▲", "asc"
    elif current == f"-{key}":
        params["o"] = key
        arrow, state = "▼", "desc"
    else:
        params["o"] = key
        arrow, state = "", "none"
    css = "num" if numeric else ""
    return format_html(
        '<th class="{} sortable" aria-sort="{}"><a href="?{}">{}<span class="sort-arrow">{}</span>'
        "</a></th>",
        css,
        {"asc": "ascending", "desc": "descending"}.get(state, "none"),
        params.urlencode(),
        label,
        arrow,
    )
