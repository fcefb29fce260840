from django.contrib import admin

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
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "due_date", "done_date", "has_problem", "assignee")
    list_filter = ("kind", "has_problem")
    search_fields = ("customer__name", "customer__customer_id")
    raw_id_fields = ("customer", "loan", "assignee", "inspector")


@admin.register(CalendarTask)
class CalendarTaskAdmin(admin.ModelAdmin):
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
class CollectionCaseAdmin(admin.ModelAdmin):
    list_display = ("customer", "owner", "opened_on", "status", "outcome")
    list_filter = ("status",)
    raw_id_fields = ("customer", "owner")
    inlines = [ActionInline, PromiseInline]


admin.site.register(DepartmentCheck)
admin.site.register(UnassignedFlag)
