"""Maintenance views of the risk tables: read-only, since every change goes through an action."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from postloan.risk import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.ScreeningRun)
class ScreeningRunAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "source", "status", "started_at", "finished_at", "triggered_by")
    list_filter = ("status", "source")


@admin.register(m.LoanAssessment)
class LoanAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("loan", "as_of", "dpd", "current_class", "suggested_class", "status")
    list_filter = ("as_of", "status", "change", "suggested_class")
    search_fields = ("loan__loan_id", "customer__customer_id", "customer__name")
    list_select_related = ("loan",)


@admin.register(m.ClassificationDecision)
class ClassificationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("loan", "as_of", "kind", "from_class", "to_class", "actor", "at")
    list_filter = ("kind",)
    search_fields = ("loan__loan_id",)


class SignalStepInline(admin.TabularInline):
    model = m.SignalStep
    extra = 0
    can_delete = False
    readonly_fields = (
        "from_status", "to_status", "actor", "at", "note", "evidence", "due_date", "attachment_link"
    )  # fmt: skip
    exclude = ("attachment", "attachment_name")  # the file only through its checked download

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="附件")
    def attachment_link(self, step):
        if not step.attachment:
            return "—"
        url = reverse("risk:signal_attachment", args=[step.pk])
        return format_html('<a href="{}">{}</a>', url, step.attachment_name or "下载")


@admin.register(m.Signal)
class SignalAdmin(ReadOnlyAdmin):
    list_display = ("id", "rule_id", "level", "customer", "loan", "status", "raised_on", "owner")
    list_filter = ("status", "level", "family", "manual")
    search_fields = ("rule_id", "customer__customer_id", "customer__name")
    list_select_related = ("customer", "loan", "owner")
    inlines = [SignalStepInline]


@admin.register(m.ThresholdVersion)
class ThresholdVersionAdmin(ReadOnlyAdmin):
    list_display = ("version", "changed_by", "changed_at", "reason")


@admin.register(m.NotEvaluated)
class NotEvaluatedAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "customer", "rule_id", "reason")
    list_filter = ("as_of", "rule_id")


@admin.register(m.DataIssue)
class DataIssueAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "table", "key", "issue", "detail")
    list_filter = ("as_of", "table", "issue")


@admin.register(m.CustomerRiskView)
class CustomerRiskViewAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "rank", "customer", "score", "worst_class", "max_dpd")
    list_filter = ("as_of",)


@admin.register(m.GroupReviewTask)
class GroupReviewTaskAdmin(ReadOnlyAdmin):
    list_display = ("customer", "group_id", "trigger_customer", "created_on", "status")
    list_filter = ("status",)


@admin.register(m.EventRelease)
class EventReleaseAdmin(ReadOnlyAdmin):
    list_display = ("event", "released_on", "reason", "actor", "at")
