from django.contrib import admin

from postloan.core.admin_audit import AuditedAdmin
from postloan.worklist.models import (
    CalendarTask,
    CollectionAction,
    CollectionCase,
    DepartmentCheck,
    Inspection,
    InspectionAmendment,
    InspectionAttachment,
    PromiseToPay,
    UnassignedFlag,
)


class AmendmentInline(admin.TabularInline):
    model = InspectionAmendment
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in InspectionAmendment._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = InspectionAttachment
    extra = 0
    can_delete = False
    fields = ("caption", "content_type", "taken_at", "latitude", "longitude", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    """A completed inspection is read-only here as everywhere (corrections are amendments,
    made on the inspection's page); only open, planned ones may be maintained."""

    list_display = ("customer", "kind", "due_date", "done_date", "has_problem", "assignee")
    list_filter = ("kind", "has_problem")
    search_fields = ("customer__name", "customer__customer_id")
    raw_id_fields = ("customer", "loan", "assignee", "inspector")
    inlines = [AmendmentInline, PhotoInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.done_date is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.done_date is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would reach completed ones
        return actions


@admin.register(InspectionAmendment)
class InspectionAmendmentAdmin(admin.ModelAdmin):
    list_display = ("inspection", "number", "reason", "created_by", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
