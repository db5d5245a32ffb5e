from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Message, TelegramChat
from notifications.services import message_resend


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written by the outbox services; a failed one can be sent again."""

    list_display = ["pk", "purpose", "channel", "language", "status", "attempts", "forum", "created_at", "sent_at"]
    list_filter = ["status", "channel", "purpose", "language"]
    search_fields = ["idempotency_key"]
    list_select_related = ["forum"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def resend(self, request, queryset):
        count = 0
        for message in queryset.filter(status=Message.Status.FAILED):
            try:
                message_resend(message=message)
            except ValidationError:
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(TelegramChat)
class TelegramChatAdmin(admin.ModelAdmin):
    list_display = ["pk", "linked_at"]
    readonly_fields = ["phone", "chat_id", "linked_at"]

    def has_add_permission(self, request):
        return False
