import copy

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from events import selectors, services
from events.archives import material_download_name, material_file_chunks, materials_zip_chunks
from events.forms import (
    AgendaItemFormSet,
    ForumForm,
    ForumRecordForm,
    ForumSeriesForm,
    ManageForumFilterForm,
    MaterialForm,
)
from events.mixins import ManageForumMixin
from events.models import Forum, ForumSeries, Material
from forum_portal.pagecache import public_page_cached

MANAGE_PERMISSION = "events.manage_forums"
# The home page shows the next forums only; the forum list pages through all of them.
HOME_LIMIT = 9


@method_decorator(public_page_cached(), name="dispatch")
class HomeView(TemplateView):
    template_name = "events/home.html"

    def get_context_data(self, **kwargs):
        series = selectors.series_current()
        return super().get_context_data(
            series=series,
            upcoming=selectors.forums_upcoming().order_by("starts_at")[:HOME_LIMIT],
            past=selectors.forums_past(series=series)[:HOME_LIMIT] if series else Forum.objects.none(),
            **kwargs,
        )


@method_decorator(public_page_cached(allowed_params=frozenset({"page", "series"})), name="dispatch")
class ForumListView(ListView):
    template_name = "events/forum_list.html"
    context_object_name = "forums"
    paginate_by = 20

    def get_queryset(self):
        forums = selectors.forums_public().order_by("-starts_at")
        self.series = ForumSeries.objects.filter(slug=self.request.GET.get("series") or "").first()
        return forums.filter(series=self.series) if self.series else forums

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            series_list=ForumSeries.objects.filter(forums__status__in=Forum.PUBLIC_STATUSES).distinct(),
            current_series=self.series,
            **kwargs,
        )


@public_page_cached()
def forum_detail(request, slug):
    try:
        forum = selectors.forum_public_detail(slug=slug)
    except Forum.DoesNotExist:
        raise Http404 from None
    record = selectors.forum_record_public(forum=forum)
    return render(request, "events/forum_detail.html", {"forum": forum, "materials": record})


class ManageForumListView(PermissionRequiredMixin, ListView):
    permission_required = MANAGE_PERMISSION
    template_name = "events/manage/forum_list.html"
    context_object_name = "forums"
    paginate_by = 50

    def get_queryset(self):
        self.filters = ManageForumFilterForm(self.request.GET or None)
        cleaned = self.filters.cleaned_data if self.filters.is_valid() else {}
        return selectors.forums_for_organizers(
            status=cleaned.get("status", ""), series=cleaned.get("series"), q=cleaned.get("q", "")
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filters=self.filters,
            series_list=ForumSeries.objects.order_by("-year", "title"),
            query_string=query.urlencode(),
            **kwargs,
        )


class SeriesEditView(PermissionRequiredMixin, TemplateView):
    """Create a forum series, or edit one: organizers start each year's series here."""

    permission_required = MANAGE_PERMISSION
    template_name = "events/manage/series_form.html"

    def get_series(self) -> ForumSeries | None:
        slug = self.kwargs.get("slug")
        return get_object_or_404(ForumSeries, slug=slug) if slug else None

    def get(self, request, *args, **kwargs):
        series = self.get_series()
        return self.render_to_response(self.get_context_data(form=ForumSeriesForm(instance=series), series=series))

    def post(self, request, *args, **kwargs):
        series = self.get_series()
        saved = copy.copy(series)
        form = ForumSeriesForm(request.POST, instance=series)
        if form.is_valid():
            series = form.save()
            messages.success(request, _("The series “%(title)s” was saved.") % {"title": series.title})
            return redirect("events:manage_forum_list")
        return self.render_to_response(self.get_context_data(form=form, series=saved), status=400)


class _ForumFormMixin:
    """A forum's form and its agenda formset on one page, saved together."""

    template_name = "events/manage/forum_form.html"
    forum = None

    def get(self, request, *args, **kwargs):
        form = ForumForm(instance=self.forum)
        agenda = AgendaItemFormSet(instance=self.forum or Forum(), prefix="agenda")
        return self.render_to_response(self.get_context_data(form=form, agenda=agenda, forum=self.forum))

    def post(self, request, *args, **kwargs):
        # Validation writes the posted values onto the instance; the page header needs the saved ones.
        saved = copy.copy(self.forum)
        if "agenda_more" in request.POST:
            return self._more_agenda_rows(request, saved)
        form = ForumForm(request.POST, instance=self.forum)
        agenda = AgendaItemFormSet(request.POST, instance=self.forum or Forum(), prefix="agenda")
        if form.is_valid() and agenda.is_valid():
            try:
                forum = form.save(agenda=agenda)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The forum “%(title)s” was saved.") % {"title": forum.title})
                return redirect("events:manage_forum_edit", slug=forum.slug)
        return self.render_to_response(self.get_context_data(form=form, agenda=agenda, forum=saved), status=400)

    def _more_agenda_rows(self, request, saved):
        """Show the page again with what was typed and more empty agenda rows, saving nothing.

        This is the "add agenda rows" button without JavaScript; with it, forum-editor.js adds rows in place.
        """
        data = request.POST.copy()
        total = data.get("agenda-TOTAL_FORMS", "")
        data["agenda-TOTAL_FORMS"] = str(min((int(total) if total.isdigit() else 0) + 3, AgendaItemFormSet.max_num))
        form = ForumForm(data, instance=self.forum)
        agenda = AgendaItemFormSet(data, instance=self.forum or Forum(), prefix="agenda")
        # Nothing was saved, so nothing is wrong yet: errors wait for the real save.
        for shown in (form, *agenda.forms):
            shown.helper.form_show_errors = False
        return self.render_to_response(self.get_context_data(form=form, agenda=agenda, forum=saved))


class ForumCreateView(PermissionRequiredMixin, _ForumFormMixin, TemplateView):
    """Create a forum together with its agenda."""

    permission_required = MANAGE_PERMISSION


class ForumEditView(ManageForumMixin, _ForumFormMixin, TemplateView):
    """Edit a forum together with its agenda."""

    permission_required = MANAGE_PERMISSION
    active_tab = "edit"


class ForumTransitionView(ManageForumMixin, View):
    """Publish, close, reopen, complete or cancel a forum (POST only)."""

    permission_required = MANAGE_PERMISSION
    http_method_names = ["post"]

    def post(self, request, slug, action):
        if action == "cancel" and request.POST.get("confirm") != "yes":
            # Cancelling tells every participant; ask once more, on a page that works without JavaScript.
            return render(request, "events/manage/forum_cancel_confirm.html", {"forum": self.forum})
        if action == "publish" and request.POST.get("confirm") != "yes":
            # Publishing shows the forum to everyone: check it first, with a preview of its public page.
            checklist = selectors.forum_publish_checklist(forum=self.forum)
            context = {
                "forum": self.forum,
                "checklist": checklist,
                "blocked": any(item.required and not item.ok for item in checklist),
            }
            return render(request, "events/manage/forum_publish_confirm.html", context)
        try:
            forum = services.forum_transition(forum=self.forum, action=action)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The forum is now “%(status)s”.") % {"status": forum.get_status_display()})
        return redirect("events:manage_forum_edit", slug=slug)


class ForumPreviewView(ManageForumMixin, TemplateView):
    """Show the forum's public page as visitors will see it, even while it is a draft."""

    permission_required = MANAGE_PERMISSION
    active_tab = "edit"
    template_name = "events/manage/forum_preview.html"

    def get_context_data(self, **kwargs):
        forum = selectors.forum_preview_detail(forum=self.forum)
        return super().get_context_data(forum=forum, materials=selectors.forum_record_public(forum=forum), **kwargs)


class ForumDuplicateView(ManageForumMixin, View):
    """Start the next forum from a copy of this one (POST only)."""

    permission_required = MANAGE_PERMISSION
    http_method_names = ["post"]

    def post(self, request, slug):
        copy = services.forum_duplicate(forum=self.forum)
        messages.success(request, _("A draft copy was created. Change its title, dates and venue, then publish it."))
        return redirect("events:manage_forum_edit", slug=copy.slug)


def _may_manage(user) -> bool:
    return user.has_perm(MANAGE_PERMISSION)


def material_download(request, slug, pk):
    """Serve a material's file: public ones of a public forum to anyone, the rest to organizers only.

    Whatever the public may not see answers 404, so the existence of an organizers-only file does not leak.
    """
    material = get_object_or_404(Material.objects.select_related("forum").exclude(file=""), forum__slug=slug, pk=pk)
    if not (material.is_public and material.forum.is_public) and not _may_manage(request.user):
        raise Http404
    response = StreamingHttpResponse(
        material_file_chunks(material=material), content_type=material.content_type or "application/octet-stream"
    )
    response["Content-Length"] = str(material.size)
    response["Content-Disposition"] = content_disposition_header(
        not material.content_type.startswith("image/"), material_download_name(material)
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not material.is_public:
        patch_cache_control(response, private=True, no_store=True)
    return response


def materials_zip(request, slug):
    """Send all public materials of a public forum as one ZIP in agenda order, built in a temporary file."""
    try:
        forum = selectors.forums_public().get(slug=slug)
    except Forum.DoesNotExist:
        raise Http404 from None
    materials = list(selectors.materials_in_agenda_order(forum=forum))
    response = StreamingHttpResponse(materials_zip_chunks(materials=materials), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{forum.slug}.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ForumRecordView(ManageForumMixin, TemplateView):
    """The forum's record for organizers: its materials, its minutes in both languages and its stream links."""

    permission_required = MANAGE_PERMISSION
    template_name = "events/manage/forum_record.html"
    active_tab = "record"
    forum_queryset = ManageForumMixin.forum_queryset.select_related("record")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            materials=selectors.materials_in_agenda_order(forum=self.forum, public_only=False), **kwargs
        )

    def get(self, request, *args, **kwargs):
        record = getattr(self.forum, "record", None)
        return self.render_to_response(self.get_context_data(form=ForumRecordForm(instance=record, forum=self.forum)))

    def post(self, request, *args, **kwargs):
        record = getattr(self.forum, "record", None)
        form = ForumRecordForm(request.POST, instance=record, forum=self.forum)
        if form.is_valid():
            form.save()
            messages.success(request, _("The minutes and links were saved."))
            return redirect("events:manage_forum_record", slug=self.forum.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MaterialEditView(ManageForumMixin, TemplateView):
    """Add a material to the forum (no `pk`) or change one."""

    permission_required = MANAGE_PERMISSION
    template_name = "events/manage/material_form.html"
    active_tab = "record"

    def get_material(self) -> Material | None:
        pk = self.kwargs.get("pk")
        return self.forum_object_or_404(Material, pk=pk) if pk else None

    def get(self, request, *args, **kwargs):
        material = self.get_material()
        form = MaterialForm(forum=self.forum, material=material)
        return self.render_to_response(self.get_context_data(form=form, material=material))

    def post(self, request, *args, **kwargs):
        material = self.get_material()
        form = MaterialForm(request.POST, request.FILES, forum=self.forum, material=material)
        if form.is_valid():
            try:
                material = form.save()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("“%(title)s” was saved.") % {"title": material.title})
                return redirect("events:manage_forum_record", slug=self.forum.slug)
        return self.render_to_response(self.get_context_data(form=form, material=material), status=400)


class MaterialDeleteView(ManageForumMixin, TemplateView):
    """Ask before deleting a material (GET), then delete it and its file (POST)."""

    permission_required = MANAGE_PERMISSION
    template_name = "events/manage/material_delete_confirm.html"
    active_tab = "record"

    def get(self, request, *args, **kwargs):
        material = self.forum_object_or_404(Material, pk=kwargs["pk"])
        return self.render_to_response(self.get_context_data(material=material))

    def post(self, request, *args, **kwargs):
        material = self.forum_object_or_404(Material, pk=kwargs["pk"])
        services.material_delete(material=material)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": material.title})
        return redirect("events:manage_forum_record", slug=self.forum.slug)
