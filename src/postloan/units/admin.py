from django.contrib import admin

from postloan.core.admin_audit import ReadOnlyAdmin
from postloan.units.models import (
    LimitVersion,
    RectificationTask,
    Suspension,
    UnitAlert,
    UnitIndicator,
)


@admin.register(LimitVersion)
class LimitVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "changed_by", "changed_at", "reason")


@admin.register(UnitIndicator)
class UnitIndicatorAdmin(ReadOnlyAdmin):
    list_display = ("branch", "as_of", "breaches", "limit_version")
    list_filter = ("as_of",)


@admin.register(UnitAlert)
class UnitAlertAdmin(ReadOnlyAdmin):
    list_display = ("branch", "managing", "indicator", "value", "limit", "raised_on", "status")
    list_filter = ("status", "indicator")


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("branch", "product", "status", "proposed_on", "suspended_on", "resumed_on")
    list_filter = ("status",)


@admin.register(RectificationTask)
class RectificationTaskAdmin(ReadOnlyAdmin):
    list_display = ("suspension", "text", "done_on", "verified_on")
