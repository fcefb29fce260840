from django.contrib import admin

from postloan.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "name",
        "hint",
        "scopes",
        "created",
        "expires_at",
        "last_used",
        "revoked",
    )
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False  # tokens are issued by `postloan api-token create` (shown once)

    def has_change_permission(self, request, obj=None):
        return False  # revoked by `postloan api-token revoke ID` (audited)

    def has_delete_permission(self, request, obj=None):
        return False
