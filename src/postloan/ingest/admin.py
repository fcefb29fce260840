from django.contrib import admin

from postloan.ingest.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "started_at", "user", "source", "as_of", "rows", "outcome", "error_count")
    list_filter = ("outcome", "source")
    readonly_fields = [f.name for f in ImportBatch._meta.fields] + ["files", "report"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was imported stays
