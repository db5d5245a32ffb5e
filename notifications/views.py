from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, ListView

from events.models import Forum
from notifications import selectors, services
from notifications.forms import AnnouncementForm, ReminderSettingsForm
from notifications.models import Message

LOG_PERMISSION = "notifications.view_message_log"
SEND_PERMISSION = "notifications.send_announcement"


class ForumMixin:
    """Load the forum named in the URL (404 if there is none) before the permission check's view runs."""

    def dispatch(self, request, *args, **kwargs):
        self.forum = get_object_or_404(Forum, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)


class MessageLogView(PermissionRequiredMixin, ForumMixin, ListView):
    """The forum's message log: every message with its status and error, newest first."""

    permission_required = LOG_PERMISSION
    template_name = "notifications/message_log.html"
    context_object_name = "outbox_messages"
    paginate_by = 50

    def get_queryset(self):
        self.status = self.request.GET.get("status", "")
        return selectors.forum_messages(forum=self.forum, user=self.request.user, status=self.status)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            forum=self.forum,
            active="messages",
            counts=selectors.forum_message_counts(forum=self.forum, user=self.request.user),
            statuses=Message.Status.choices,
            current_status=self.status if self.status in Message.Status.values else "",
            query_string=f"status={self.status}" if self.status in Message.Status.values else "",
            **kwargs,
        )


class MessageResendView(PermissionRequiredMixin, ForumMixin, View):
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


class AnnouncementView(PermissionRequiredMixin, ForumMixin, FormView):
    """Compose an announcement; it is queued to every confirmed participant in their language."""

    permission_required = SEND_PERMISSION
    template_name = "notifications/announcement_form.html"
    form_class = AnnouncementForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.forum}

    def get_context_data(self, **kwargs):
        return super().get_context_data(forum=self.forum, active="messages", **kwargs)

    def form_valid(self, form):
        count = form.save()
        messages.success(
            self.request,
            ngettext(
                "The announcement was queued to %(count)d participant.",
                "The announcement was queued to %(count)d participants.",
                count,
            )
            % {"count": count},
        )
        return redirect("notifications:message_log", slug=self.forum.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReminderSettingsView(PermissionRequiredMixin, ForumMixin, FormView):
    """Choose how many days before the forum, and at what hour, reminders go out."""

    permission_required = SEND_PERMISSION
    template_name = "notifications/settings_form.html"
    form_class = ReminderSettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.forum}

    def get_context_data(self, **kwargs):
        return super().get_context_data(forum=self.forum, active="messages", **kwargs)

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The reminder settings were saved."))
        return redirect("notifications:message_log", slug=self.forum.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
