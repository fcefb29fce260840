"""Coloured tags for classes and signal levels, in the shell's CSS vocabulary."""

from django import template
from django.utils.html import format_html

from postloan.risk import choices as ch

register = template.Library()

CLASS_LABELS = dict(ch.LoanClass.choices)
LEVEL_LABELS = dict(ch.SignalLevel.choices)
FAMILY_LABELS = dict(ch.SignalFamily.choices)


@register.simple_tag
def cls_tag(code) -> str:
    if not code:
        return format_html('<span class="muted">—</span>')
    return format_html('<span class="tag tag-{}">{}</span>', code, CLASS_LABELS.get(code, code))


@register.simple_tag
def level_tag(level) -> str:
    if not level:
        return format_html('<span class="muted">—</span>')
    return format_html('<span class="tag tag-{}">{}</span>', level, LEVEL_LABELS.get(level, level))


@register.filter
def family_label(code) -> str:
    """The Chinese name of a signal family (还款, 征信 …)."""
    return FAMILY_LABELS.get(code, code)


@register.filter
def person(user) -> str:
    """A person by their staff name (姓名), else their login; — for nobody."""
    if user is None:
        return "—"
    staff = getattr(user, "staff", None)  # no staff record: RelatedObjectDoesNotExist → None
    return staff.name if staff is not None else user.get_username()


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0) if hasattr(mapping, "get") else 0


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (paging keeps the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
