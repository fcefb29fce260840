"""Maintenance pages. Signed (locked) rows are read-only here as everywhere."""

from django.contrib import admin

from postloan.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from postloan.meetings import models as m


class LockAwareAdmin(AuditedAdmin):
    def _locked(self, obj) -> bool:
        return obj is not None and hasattr(obj, "is_locked") and obj.is_locked()

    def has_change_permission(self, request, obj=None):
        if self._locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._locked(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(m.MeetingSettings)
class MeetingSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "large_credit_threshold", "notice_working_days", "quorum_ratio")


class MemberInline(admin.TabularInline):
    model = m.CommitteeMember
    extra = 0
    readonly_fields = ("certified_by", "certified_at")


@admin.register(m.Committee)
class CommitteeAdmin(AuditedAdmin):
    list_display = ("branch", "established_on")
    inlines = [MemberInline]


# What the meeting decides is recorded only through its actions (quorum, floors, recusal,
# closing rules): the maintenance pages show these fields but never change them.
MEETING_DECIDED = ("status", "quorum_met", "presiding", "notice_due", "noticed_on", "ad_hoc_reason")
ITEM_DECIDED = (
    "summary",
    "class_before",
    "class_decided",
    "method",
    "votes_for",
    "votes_against",
    "votes_abstain",
    "dissent",
    "outcome",
    "decided_at",
    "deferred_reason",
    "report_excuse",
    "report_excused_by",
)


@admin.register(m.Meeting)
class MeetingAdmin(LockAwareAdmin):
    list_display = ("branch", "date", "kind", "status")
    list_filter = ("status", "kind")
    readonly_fields = MEETING_DECIDED


@admin.register(m.AgendaItem)
class AgendaItemAdmin(LockAwareAdmin):
    list_display = ("meeting", "customer", "rank", "outcome")
    readonly_fields = ITEM_DECIDED
    exclude = ("dissenters",)


@admin.register(m.LoanDecision)
class LoanDecisionAdmin(admin.ModelAdmin):
    """The meeting's class per loan: read only (decided at the meeting, 认定 at closing)."""

    list_display = ("item", "loan", "current_class", "floor_class", "decided_class")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Resolution)
class ResolutionAdmin(LockAwareAdmin):
    list_display = ("customer", "type", "responsible", "deadline", "status")
    list_filter = ("status", "type")


@admin.register(m.Amendment)
class AmendmentAdmin(LockAwareAdmin):
    list_display = ("meeting", "number", "signed_at")


@admin.register(m.Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ("meeting", "amendment", "role", "signer_name", "signed_at", "content_sha256")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(m.Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ("recipient", "kind", "title", "sent_on", "read_at")


@admin.register(m.ExitEntry)
class ExitEntryAdmin(ReadOnlyAdmin):
    """潜在风险客户退出名单: written by the actions and the day's verification only."""

    list_display = ("customer", "source", "target_date", "target_amount", "recovered", "status")
    list_filter = ("status", "source")
    search_fields = ("customer__customer_id", "customer__name")
