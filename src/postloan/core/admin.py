from django.contrib import admin

from postloan.core.admin_audit import AuditedAdmin
from postloan.core.models import AuditEvent, BusinessDate, CalendarDay


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only for everyone, auditors included."""

    list_display = ("at", "actor", "action", "object_type", "object_id", "batch_id", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "reason")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BusinessDate)
class BusinessDateAdmin(AuditedAdmin):
    list_display = ("as_of", "updated_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)
