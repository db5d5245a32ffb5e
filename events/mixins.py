"""The one way an organizer page of a forum finds its forum and checks who may see it."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404

from events.models import Forum


class ManageForumMixin(PermissionRequiredMixin):
    """Check `permission_required`, then load the forum named by the URL's `slug` as `self.forum` (or 404).

    Anonymous users are sent to log in; a logged-in user without the permission gets 403 before the forum is
    looked up, so the answer does not tell whether a forum with that slug exists. The forum is in the template
    context as `forum`, with `active` naming the organizer tab to highlight (`active_tab`).
    """

    forum_queryset = Forum.objects.select_related("series", "host_province")
    active_tab = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.forum = get_object_or_404(self.forum_queryset, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = {"forum": self.forum, **kwargs}
        if self.active_tab:
            context.setdefault("active", self.active_tab)
        return super().get_context_data(**context)

    def forum_object_or_404(self, queryset, **lookups):
        """Return the object of this forum that matches `lookups` (a model or a queryset with a `forum` field).

        Another forum's object answers 404, as if it did not exist: under this forum's URL it does not, and a 403
        would tell an organizer of one forum which ids exist in another.
        """
        return get_object_or_404(queryset, forum=self.forum, **lookups)
