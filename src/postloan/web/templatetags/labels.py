"""Template filters and tags that turn codes into the bank's words (postloan.web.labels)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from postloan.core import codetables
from postloan.meetings.choices import MeetingKind, Reason
from postloan.portfolio.models import RiskEvent
from postloan.web import labels
from postloan.web.audit_labels import action_label, change_lines, object_label

register = template.Library()


@register.simple_tag
def rule_name(rule_id) -> str:
    """贷款逾期 <small class="rule-id">EW-DPD</small>: the title, the id as a small tag."""
    if not rule_id:
        return labels.EMPTY
    return format_html('{} <small class="rule-id">{}</small>', labels.rule_title(rule_id), rule_id)


@register.simple_tag
def rule_names(rule_ids, separator="；") -> str:
    """Several rules ("CLS-SUB-DPD90;CLS-SM-DPD" or a list) by their titles and small tags."""
    if isinstance(rule_ids, str):
        rule_ids = [r for r in rule_ids.replace(",", ";").split(";") if r.strip()]
    if not rule_ids:
        return labels.EMPTY
    return format_html_join(
        separator,
        '{} <small class="rule-id">{}</small>',
        ((labels.rule_title(r.strip()), r.strip()) for r in rule_ids),
    )


@register.filter
def rule_title(rule_id) -> str:
    return labels.rule_title(rule_id)


@register.filter
def person(user) -> str:
    """A user or staff member by 姓名; 系统 for an automatic step."""
    return labels.person_name(user)


@register.filter
def table_label(name) -> str:
    return labels.table_label(name)


@register.filter
def region(code) -> str:
    """330402 → 浙江省嘉兴市南湖区; an unknown code → 330499（未知代码）."""
    return codetables.region_name(code)


@register.filter
def industry(code) -> str:
    """C3484 → 机械零部件加工（C3484）; an unknown code → X9999（未知代码）."""
    return codetables.industry_label(code)


@register.simple_tag
def evidence(value, separator=" · ") -> str:
    """A rule's evidence as labelled lines (events named by their type)."""
    ids = labels.event_ids(value)
    types = {}
    if ids:
        types = dict(RiskEvent.objects.filter(pk__in=ids).values_list("pk", "type"))
    lines = labels.evidence_lines(value, types)
    if not lines:
        return labels.EMPTY
    return format_html_join(separator, "{}", ((line,) for line in lines))


@register.filter
def yuan_fen(fen) -> str:
    """An amount held in fen, shown in 元 with separators."""
    return labels.yuan_from_fen(fen)


@register.filter
def meeting_kind(code) -> str:
    """monthly → 月度例会."""
    return dict(MeetingKind.choices).get(code, code or labels.EMPTY)


@register.filter
def agenda_reasons(codes) -> str:
    """["large_credit", "risk_signal"] → 授信1000万元（含）以上、橙色/红色预警信号未消除."""
    names = dict(Reason.choices)
    if isinstance(codes, str):
        codes = [codes]
    return "、".join(str(names.get(c, c)) for c in codes or []) or labels.EMPTY


CURRENCIES = {
    "CNY": gettext_lazy("人民币"),
    "USD": gettext_lazy("美元"),
    "EUR": gettext_lazy("欧元"),
    "HKD": gettext_lazy("港元"),
    "JPY": gettext_lazy("日元"),
}


@register.filter
def currency(code) -> str:
    """CNY → 人民币 (ISO 4217); another code → the code with （未知代码）."""
    code = str(code or "").strip().upper()
    if not code:
        return labels.EMPTY
    return str(CURRENCIES.get(code, f"{code}（未知代码）"))


@register.filter
def audit_action(code) -> str:
    return action_label(code)


@register.simple_tag
def audit_object(event) -> str:
    return object_label(event.object_type, event.object_id)


@register.simple_tag
def audit_changes(event, which) -> str:
    """The `before` or `after` snapshot of an audit event as labelled lines."""
    lines = change_lines(event.object_type, getattr(event, which))
    return format_html_join("", "<div>{}</div>", ((line,) for line in lines))
