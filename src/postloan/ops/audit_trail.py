"""The audit trail as an auditor reads it: who (姓名, role, unit), when, which object (linked), and
each changed field as 字段中文名: 原值 → 新值, with the model's own labels and choices and the one
formatter's figures. Shared by the page and its Excel export; reads, never writes.

An event's `before`/`after` are JSON copies of field values (`core.audit.snapshot`) or a few named
values an action chose to record; keys that are not a model field are named by EXTRA_LABELS."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy

from postloan import contract
from postloan.core import formats
from postloan.core.fields import MoneyField
from postloan.core.models import AuditEvent
from postloan.core.tables import DATETIME, TEXT, Column
from postloan.meetings.resolution_kinds import registry as resolution_kinds
from postloan.org.choices import Role
from postloan.web import audit_labels
from postloan.web.labels import person_name

EMPTY_VALUE = "（空）"
NOT_RECORDED = "未记录"
SYSTEM = "系统"

# Values recorded under names that are not a field of the object.
EXTRA_LABELS = {
    **{param.name: param.label for param in resolution_kinds.all_params()},
    **audit_labels.EXTRA_KEYS,
    "rule_id": "规则",
    "level": "预警级别",
    "owner": "责任人",
    "due_date": "处置期限",
    "user_id": "提交人",
    "label": "名称",
    "signals": "预警信号数",
    "reason": "原因",
    "file": "文件",
    "username": "登录名",
    "target_balance": "目标余额（元）",
    "target_date": "压降期限",
    "amount": "金额（元）",
    "guarantor": "保证人",
    "min_return_ratio": "销售资金归行率下限",
    "review_frequency": "检查频率",
    "new_class": "调整后分类",
}

# Where an object is read on the site (the maintenance pages are the fallback).
OBJECT_URLS = {
    "risk.signal": "risk:signal",
    "risk.loanassessment": "risk:assessment",
    "risk.groupreviewtask": "risk:review_task",
    "meetings.meeting": "meetings:detail",
    "meetings.resolution": "meetings:resolution",
    "portfolio.customer": "web:customer",
    "portfolio.loan": "web:loan",
    "worklist.inspection": "worklist:inspection",
    "worklist.departmentcheck": "worklist:department_check",
    "worklist.calendartask": "worklist:task",
    "worklist.collectioncase": "worklist:case",
    "ingest.importbatch": "ingest:detail",
    "ops.jobprogress": "ops:job",
    "documents.packjob": None,
    # the data contract's tables (import.create / import.update events)
    "customers": "web:customer",
    "loans": "web:loan",
}


action_label = audit_labels.action_label
model_for = audit_labels.model_for


def object_type_label(object_type: str) -> str:
    model = model_for(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    if object_type in contract.TABLES_BY_NAME:
        return contract.TABLES_BY_NAME[object_type].label
    return "业务记录"


def object_url(object_type: str, object_id: str) -> str:
    if not object_id:
        return ""
    name = OBJECT_URLS.get(object_type, "")
    candidates = [name] if name else []
    if name is not None and "." in object_type:
        app, model = object_type.split(".", 1)
        candidates.append(f"admin:{app}_{model}_change")
    for candidate in candidates:
        try:
            return reverse(candidate, args=[object_id])
        except NoReverseMatch:
            continue
    return ""


@dataclass
class Actor:
    name: str
    roles: str
    unit: str


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    event: object
    at: dt.datetime
    actor: Actor
    action: str
    object_type: str
    object_label: str
    object_id: str
    url: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""

    @property
    def changes_text(self) -> str:
        return "\n".join(f"{c.label}：{c.before} → {c.after}" for c in self.changes)


ROLE_LABELS = dict(Role.choices)


def actor_of(user) -> Actor:
    if user is None:
        return Actor(SYSTEM, "", "")
    staff = getattr(user, "staff", None)
    roles = "、".join(
        str(ROLE_LABELS[g.name]) for g in user.groups.all() if g.name in ROLE_LABELS
    ) or ("系统管理员" if user.is_superuser else "")
    return Actor(person_name(user), roles, staff.branch.name if staff is not None else "")


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and reverse relations alike
        return None


def _contract_column(object_type: str, key: str):
    table = contract.TABLES_BY_NAME.get(object_type)
    if table is None:
        return None
    return next((c for c in table.columns if c.code == key), None)


def field_label(model, key: str, object_type: str = "") -> str:
    f = _field(model, key)
    if f is not None and getattr(f, "verbose_name", None):
        return str(f.verbose_name)
    column = _contract_column(object_type, key)
    if column is not None:
        return column.label
    return EXTRA_LABELS.get(key, "其他信息")


def contract_value(column, value) -> str:
    """A value of an imported row as its column reads (label, 元, 是/否)."""
    if value is None or value == "":
        return EMPTY_VALUE
    if column.choices:
        return dict(column.choices).get(value, str(value))
    if column.code == "currency":
        return audit_labels._value(None, "currency", value)
    if column.type == "money":
        return formats.yuan_text(value)
    if column.type == "bool":
        return _plain(value in (True, 1, "1", "true", "True"))
    return _plain(value)


def _plain(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY_VALUE
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return audit_labels._value(None, "", value)
    if isinstance(value, str):
        when = parse_datetime(value) if "T" in value else None
        if when is not None:
            return formats.moment(when)
        if len(value) == 10 and parse_date(value) is not None:
            return value
        return audit_labels._value(None, "", value)
    return str(value)


def format_value(model, key: str, value, related: dict) -> str:
    """One recorded value as a person reads it: the related record's name, the choice's label,
    元, a date and time — by the field it was recorded for."""
    f = _field(model, key)
    if value is None or value == "":
        return EMPTY_VALUE
    if f is None:
        return _plain(value)
    if f.is_relation:
        text = _related_text(f, value, related)
        if text is not None:
            return text
    if f.choices:
        return _choice_text(f, value)
    return _typed_text(f, key, value)


def _related_text(f, value, related: dict) -> str | None:
    """A foreign key or one-to-one by the related record (a person by 姓名, never the login);
    many-to-many as the names joined; None for another relation with a plain value."""
    if f.many_to_one or f.one_to_one:
        obj = related.get((f.related_model, str(value)))
        if obj is not None and f.related_model is get_user_model():
            return person_name(obj)
        return str(obj) if obj is not None else str(value)
    if f.many_to_many and isinstance(value, list):
        names = [related.get((f.related_model, str(v))) for v in value]
        return "、".join(str(n if n is not None else v) for n, v in zip(names, value, strict=True))
    return None


def _choice_text(f, value) -> str:
    choices = dict(f.flatchoices)
    if isinstance(value, list):
        return "、".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value))


def _typed_text(f, key: str, value) -> str:
    """A value by its field's type: 元, a file, the currency, yes/no, a moment, a number."""
    if isinstance(f, MoneyField):
        return formats.yuan_text(value)
    if isinstance(f, models.FileField):
        return "已上传文件"  # its storage name is generated; the original name has its own field
    if key == "currency":
        return audit_labels._value(None, key, value)
    if isinstance(f, models.BooleanField):
        return _plain(bool(value))
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        when = parse_datetime(value)
        return formats.moment(when) if when else value
    if isinstance(f, models.DecimalField | models.FloatField) and not isinstance(value, bool):
        return str(formats.decimal(value))
    return _plain(value)


def changed_keys(before: dict | None, after: dict | None) -> list[str]:
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    keys = list(dict.fromkeys([*before, *after]))
    if before and after:
        return [k for k in keys if before.get(k) != after.get(k)]
    # a creation or deletion: the values the object had, without its bare row number
    return [k for k in keys if k != "id" and (before or after).get(k) not in (None, "", [], {})]


def _related_lookups(events) -> dict:
    """Every related object the changes name, fetched once per model (no query per row)."""
    wanted = defaultdict(set)
    for e in events:
        model = model_for(e.object_type)
        if model is None:
            continue
        for key in changed_keys(e.before, e.after):
            f = _field(model, key)
            if f is None or not f.is_relation or f.related_model is None:
                continue
            for side in (e.before or {}, e.after or {}):
                value = side.get(key) if isinstance(side, dict) else None
                for v in value if isinstance(value, list) else [value]:
                    if v not in (None, ""):
                        wanted[f.related_model].add(v)
    related = {}
    for model, pks in wanted.items():
        # A value that is no key of the model is shown as written, never looked up by key —
        # but a login recorded in a field that points at users names its person.
        keys = [k for k in (_as_key(model, v) for v in pks) if k is not None]
        for pk, obj in model._default_manager.in_bulk(keys).items():
            related[(model, str(pk))] = obj
        if model is get_user_model():  # some actions record the login: name the person
            logins = [str(v) for v in pks if _as_key(model, v) is None]
            for user in model._default_manager.filter(username__in=logins):
                related[(model, user.get_username())] = user
    return related


def _as_key(model, value):
    try:
        return model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _side(model, object_type, key, raw, values: dict, related) -> str:
    """One side of a change: 无 where the object did not exist (creation, deletion), 未记录 where
    the action recorded other values only."""
    if raw is None:
        return "无"
    if key not in values:
        return NOT_RECORDED
    if model is None:
        column = _contract_column(object_type, key)
        if column is not None:
            return contract_value(column, values[key])
    return format_value(model, key, values[key], related)


def entries(events) -> list[Entry]:
    """Readable entries for a page (or chunk) of events; the queryset should select `actor`,
    `actor__staff__branch` and prefetch `actor__groups`."""
    events = list(events)
    related = _related_lookups(events)
    out = []
    for e in events:
        model = model_for(e.object_type)
        before = e.before if isinstance(e.before, dict) else {}
        after = e.after if isinstance(e.after, dict) else {}
        changes = [
            Change(
                field_label(model, k, e.object_type),
                _side(model, e.object_type, k, e.before, before, related),
                _side(model, e.object_type, k, e.after, after, related),
            )
            for k in changed_keys(e.before, e.after)
        ]
        out.append(
            Entry(
                event=e,
                at=e.at,
                actor=actor_of(e.actor),
                action=action_label(e.action),
                object_type=e.object_type,
                object_label=object_type_label(e.object_type),
                object_id=e.object_id,
                url=object_url(e.object_type, e.object_id),
                changes=changes,
                reason=e.reason,
            )
        )
    return out


def filter_events(events, params) -> tuple:
    """Apply the page's filters; returns (queryset, cleaned filters, errors by field)."""
    cleaned, errors = {}, {}
    action = (params.get("action") or "").strip()
    if action:
        events = events.filter(action=action)
        cleaned["action"] = action
    object_type = (params.get("object_type") or "").strip()
    if object_type:
        events = events.filter(object_type=object_type)
        cleaned["object_type"] = object_type
    object_id = (params.get("object_id") or "").strip()
    if object_id:
        events = events.filter(object_id=object_id)
        cleaned["object_id"] = object_id
    person = (params.get("person") or "").strip()
    if person:
        events = events.filter(Q(actor__username=person) | Q(actor__staff__name__icontains=person))
        cleaned["person"] = person
    for key, lookup in (("date_from", "at__date__gte"), ("date_to", "at__date__lte")):
        raw = (params.get(key) or "").strip()
        if not raw:
            continue
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            errors[key] = "日期格式应为 YYYY-MM-DD"
            continue
        events = events.filter(**{lookup: value})
        cleaned[key] = raw
    return events, cleaned, errors


def base_queryset():
    return AuditEvent.objects.select_related("actor", "actor__staff__branch").prefetch_related(
        "actor__groups"
    )


def action_choices(events) -> list[tuple[str, str]]:
    codes = events.order_by().values_list("action", flat=True).distinct()
    return sorted(((c, action_label(c)) for c in codes), key=lambda p: p[1])


def object_type_choices(events) -> list[tuple[str, str]]:
    codes = events.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((c, object_type_label(c)) for c in codes if c), key=lambda p: p[1])


FILTER_LABELS = {
    "person": gettext_lazy("操作人"),
    "action": gettext_lazy("操作"),
    "object_type": gettext_lazy("对象类型"),
    "object_id": gettext_lazy("对象编号"),
    "date_from": gettext_lazy("起始日期"),
    "date_to": gettext_lazy("截止日期"),
}

EXPORT_COLUMNS = [
    Column("时间", DATETIME, 17),
    Column("操作人", TEXT, 10),
    Column("角色", TEXT, 14),
    Column("所在机构", TEXT, 14),
    Column("操作", TEXT, 18),
    Column("对象", TEXT, 14),
    Column("对象编号", TEXT, 14),
    Column("变更内容（字段：原值 → 新值）", TEXT, 60),
    Column("原因", TEXT, 24),
]


def filters_text(filters: dict) -> str:
    shown = dict(filters)
    if "action" in shown:
        shown["action"] = action_label(shown["action"])
    if "object_type" in shown:
        shown["object_type"] = object_type_label(shown["object_type"])
    return "；".join(f"{FILTER_LABELS[k]}：{v}" for k, v in shown.items() if k in FILTER_LABELS)


def export_rows(events, chunk: int = 500):
    """The export's rows, read in chunks so related objects are still fetched per chunk."""
    batch = []
    for event in events.iterator(chunk_size=chunk):
        batch.append(event)
        if len(batch) == chunk:
            yield from _export_chunk(batch)
            batch = []
    if batch:
        yield from _export_chunk(batch)


def _export_chunk(batch):
    for e in entries(batch):
        yield [
            e.at,
            e.actor.name,
            e.actor.roles,
            e.actor.unit,
            e.action,
            e.object_label,
            e.object_id,
            e.changes_text,
            e.reason,
        ]
