from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail of personal data: nobody adds, edits or deletes an entry."""

    list_display = ["created_at", "actor", "action", "object_type", "object_ref", "detail"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["object_ref"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
