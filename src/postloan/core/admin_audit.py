"""A ModelAdmin base that writes every change made through the admin to the audit trail."""

from django.contrib import admin
from django.db import transaction

from postloan.core import audit


class AuditedAdmin(admin.ModelAdmin):
    """Maintenance pages for business records: each save/delete leaves an AuditEvent (before/after)."""

    list_per_page = 50
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = None
            if change:
                old = type(obj).objects.filter(pk=obj.pk).first()
                before = audit.snapshot(old) if old else None
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                action="admin.update" if change else "admin.create",
                obj=obj,
                object_type=obj._meta.db_table,
                before=before,
                after=audit.snapshot(obj),
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(
                actor=request.user,
                action="admin.delete",
                obj=obj,
                object_type=obj._meta.db_table,
                before=audit.snapshot(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
