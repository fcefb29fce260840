from django.contrib import admin

from postloan.core.admin_audit import AuditedAdmin
from postloan.org.models import Branch, ResponsibilityLetter, Staff, StaffCertificate
from postloan.org.tree import rebuild_paths

admin.site.site_header = "贷后通 系统管理"
admin.site.site_title = "贷后通"
admin.site.index_title = "系统管理"


@admin.register(Branch)
class BranchAdmin(AuditedAdmin):
    list_display = ("branch_code", "name", "level", "parent", "holds_meetings", "path")
    list_filter = ("level", "holds_meetings")
    search_fields = ("branch_code", "name")
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        rebuild_paths()


@admin.register(Staff)
class StaffAdmin(AuditedAdmin):
    list_display = (
        "staff_id",
        "name",
        "branch",
        "department",
        "position",
        "credit_years",
        "certified",
        "user",
    )
    list_filter = ("department", "position", "certified", "branch")
    search_fields = ("staff_id", "name")
    list_select_related = ("branch", "user")
    raw_id_fields = ("user",)


@admin.register(StaffCertificate)
class StaffCertificateAdmin(AuditedAdmin):
    list_display = ("staff", "cert_type", "cert_no", "issued_date", "expiry_date")
    list_filter = ("cert_type",)
    search_fields = ("staff__staff_id", "staff__name", "cert_no")
    list_select_related = ("staff",)
    raw_id_fields = ("staff",)


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(AuditedAdmin):
    list_display = ("letter_id", "staff", "branch", "period_from", "period_to", "signed_date")
    search_fields = ("letter_id", "staff__staff_id", "staff__name", "branch__name")
    list_select_related = ("staff", "branch")
    raw_id_fields = ("staff", "branch")
