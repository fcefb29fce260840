from django.contrib import admin

from postloan.core.admin_audit import AuditedAdmin
from postloan.worklist.models import (
    CalendarTask,
    CollectionAction,
    CollectionCase,
    DepartmentCheck,
    Inspection,
    PromiseToPay,
    UnassignedFlag,
)


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    list_display = ("customer", "kind", "due_date", "done_date", "has_problem", "assignee")
    list_filter = ("kind", "has_problem")
    search_fields = ("customer__name", "customer__customer_id")
    raw_id_fields = ("customer", "loan", "assignee", "inspector")


@admin.register(CalendarTask)
class CalendarTaskAdmin(AuditedAdmin):
    list_display = ("kind", "loan", "customer", "event_date", "due_date", "done_date")
    list_filter = ("kind",)
    raw_id_fields = ("customer", "loan", "done_by")


class ActionInline(admin.TabularInline):
    model = CollectionAction
    extra = 0


class PromiseInline(admin.TabularInline):
    model = PromiseToPay
    extra = 0


@admin.register(CollectionCase)
class CollectionCaseAdmin(AuditedAdmin):
    list_display = ("customer", "owner", "opened_on", "status", "outcome")
    list_filter = ("status",)
    raw_id_fields = ("customer", "owner")
    inlines = [ActionInline, PromiseInline]


admin.site.register(DepartmentCheck, AuditedAdmin)
admin.site.register(UnassignedFlag, AuditedAdmin)
