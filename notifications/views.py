from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from events.mixins import ManageForumMixin
from notifications import selectors, services
from notifications.models import Message

LOG_PERMISSION = "notifications.view_message_log"
SEND_PERMISSION = "notifications.send_announcement"


class MessageLogView(ManageForumMixin, ListView):
    """The forum's message log: every message with its status and error, newest first."""

    permission_required = LOG_PERMISSION
    active_tab = "messages"
    template_name = "notifications/message_log.html"
    context_object_name = "outbox_messages"
    paginate_by = 50

    def get_queryset(self):
        self.status = self.request.GET.get("status", "")
        return selectors.forum_messages(forum=self.forum, user=self.request.user, status=self.status)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            counts=selectors.forum_message_counts(forum=self.forum, user=self.request.user),
            statuses=Message.Status.choices,
            current_status=self.status if self.status in Message.Status.values else "",
            query_string=f"status={self.status}" if self.status in Message.Status.values else "",
            **kwargs,
        )


class MessageResendView(ManageForumMixin, View):
    """Queue a failed message again (POST only)."""

    permission_required = SEND_PERMISSION
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        message = get_object_or_404(selectors.messages_visible_to(user=request.user, forum=self.forum), pk=pk)
        try:
            services.message_resend(message=message)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The message is queued again."))
        return redirect("notifications:message_log", slug=self.forum.slug)
