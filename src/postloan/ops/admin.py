from django.contrib import admin

from postloan.ops.models import JobProgress, LoginFailure


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobProgress)
class JobProgressAdmin(ReadOnly):
    list_display = ("pk", "kind", "label", "status", "progress", "attempts", "worker", "created_at")
    list_filter = ("kind", "status")


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnly):
    list_display = ("username", "ip", "at")
    search_fields = ("username", "ip")
