"""A ModelAdmin base that writes every change made through the admin to the audit trail.

Every path by which the Django admin writes goes through one of Django's `log_addition`,
`log_change` or `log_deletions` (the add and change pages, the list page's editable columns,
the delete page, the 「删除所选」 action, a user's set-password page). `AuditedAdmin` writes an
`AuditEvent` there, in the admin's own transaction, with the state before (read from the
database before the save) and after — many-to-many fields included, so a user's role groups
or a group's permissions are in the row. Inline rows (a committee's seats) get their own
row each from `save_formset`. Secrets (password hashes, token digests) are never copied.

tests/security/test_admin_audit.py walks `admin.site._registry`: every registered model's
admin is an `AuditedAdmin` or lets nobody add, change or delete.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from postloan.core import audit

SECRET_FIELDS = {"password", "token_hash"}
HIDDEN = "（不记录）"
_BEFORE = "_postloan_admin_before"


def admin_snapshot(obj) -> dict[str, Any]:
    """Every concrete field and many-to-many field of `obj`, JSON-safe, secrets hidden."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        if field.name in SECRET_FIELDS:
            value = HIDDEN if value else ""
        elif isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.name] = value
    for field in obj._meta.many_to_many:
        related = getattr(obj, field.name).all() if obj.pk is not None else []
        data[field.name] = sorted(str(r) for r in related)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _key(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def _stash(request) -> dict[str, dict]:
    stash = getattr(request, _BEFORE, None)
    if stash is None:
        stash = {}
        setattr(request, _BEFORE, stash)
    return stash


def _stored(obj):
    if obj.pk is None:
        return None
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def _cascade(obj) -> dict[str, int]:
    """What else a delete of `obj` takes with it: {model label: rows}."""
    collector = NestedObjects(using=obj._state.db or "default")
    collector.collect([obj])
    counts: dict[str, int] = {}
    for model, instances in collector.data.items():
        counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + len(instances)
    for qs in collector.fast_deletes:
        label = qs.model._meta.label_lower
        counts[label] = counts.get(label, 0) + qs.count()
    counts[obj._meta.label_lower] -= 1
    return {label: n for label, n in counts.items() if n}


def _record(request, action: str, obj, *, before=None, after=None, reason: str = "") -> None:
    audit.record(
        actor=request.user,
        action=action,
        obj=obj,
        object_type=obj._meta.db_table,
        object_id=str(obj.pk),
        before=before,
        after=after,
        reason=reason,
    )


class AuditedAdmin(admin.ModelAdmin):
    """Maintenance pages for business and control records: each save/delete leaves an
    AuditEvent (before/after) beside Django's own admin log."""

    list_per_page = 50
    show_full_result_count = False

    # ─── the state before: read from the database before anything is saved ───────────────

    def save_model(self, request, obj, form, change):
        if change:
            old = _stored(obj)
            if old is not None:
                _stash(request)[_key(obj)] = admin_snapshot(old)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Inline rows (e.g. a committee's seats): one audit row per added, changed or
        deleted row."""
        before = {}
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.pk is not None:
                old = _stored(instance)
                if old is not None:
                    before[instance.pk] = admin_snapshot(old)
        super().save_formset(request, form, formset, change)
        parent = f"{form.instance._meta.db_table}:{form.instance.pk}"
        for obj in formset.new_objects:
            _record(request, "admin.create", obj, after=admin_snapshot(obj), reason=parent)
        for obj, _fields in formset.changed_objects:
            _record(
                request,
                "admin.update",
                obj,
                before=before.get(obj.pk),
                after=admin_snapshot(obj),
                reason=parent,
            )
        for obj in formset.deleted_objects:
            _record(
                request,
                "admin.delete",
                obj,
                before=before.get(obj.pk) or admin_snapshot(obj),
                reason=parent,
            )

    # ─── the audit rows: where Django writes its own admin log ────────────────────────────

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        _record(request, "admin.create", obj, after=admin_snapshot(obj))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        action = getattr(request, "_postloan_admin_action", "admin.update")
        before = _stash(request).pop(_key(obj), None)
        _record(request, action, obj, before=before, after=admin_snapshot(obj))
        return entry

    def log_deletions(self, request, queryset):
        for obj in queryset:
            cascade = _cascade(obj)
            _record(
                request,
                "admin.delete",
                obj,
                before=admin_snapshot(obj),
                after={"cascade": cascade} if cascade else None,
            )
        return super().log_deletions(request, queryset)

    # ─── one transaction for the list page's actions (「删除所选」: log, then delete) ─────────

    def response_action(self, request, queryset):
        with transaction.atomic(using=queryset.db):
            return super().response_action(request, queryset)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=queryset.db):
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody changes here: it is written by the application's actions only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
