import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import FormView, ListView, TemplateView

from events.mixins import ManageForumMixin
from events.models import Forum
from events.selectors import forums_public
from forum_portal.khmer import name_order
from forum_portal.links import safe_next_url
from forum_portal.pagination import DeferredJoinPaginator
from forum_portal.ratelimit import ratelimit
from participants import exports, selectors, services
from participants import messages as participant_messages
from participants.forms import (
    AnnouncementForm,
    CheckInForm,
    ContactForm,
    EraseConfirmForm,
    EvaluationAnswerForm,
    EvaluationDefinitionForm,
    FilterForm,
    RegistrationEditForm,
    RegistrationEraseForm,
    RegistrationForm,
    ReminderSettingsForm,
    SeatTargetForm,
    WalkInForm,
)
from participants.models import Evaluation, Registration, SeatTarget
from participants.retention import registration_erase

MANAGE = "participants.manage_registrations"
CHECK_IN = "participants.check_in_participants"
RESEND_SESSION_KEY = "participants_resend"


def _public_forum(slug):
    try:
        return forums_public().get(slug=slug)
    except Forum.DoesNotExist:
        raise Http404 from None


# Public registration ------------------------------------------------------------------------------


@ratelimit(
    scope="registration",
    rate="PARTICIPANTS_REGISTER_RATE",
    field="phone",
    field_rate="PARTICIPANTS_REGISTER_PER_PHONE_RATE",
)
def register(request, slug):
    """Show and handle the public registration form of a forum."""
    forum = _public_forum(slug)
    closed = selectors.registration_closed_reason(forum=forum)
    form = RegistrationForm(request.POST or None, forum=forum)
    if request.method == "POST" and not closed and form.is_valid():
        try:
            registration = form.save()
        except services.DuplicateRegistrationError as error:
            request.session[RESEND_SESSION_KEY] = error.registration.pk
            return render(request, "participants/already_registered.html", {"forum": forum}, status=409)
        except services.RegistrationClosedError as error:
            closed = error.messages[0]
        else:
            token = services.registration_token(registration=registration)
            return redirect("participants:confirmation", token=token)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "participants/register.html", {"forum": forum, "form": form, "closed": closed}, status=status
    )


@require_POST
@ratelimit(
    scope="registration-resend", limit=settings.PARTICIPANTS_RESEND_RATE[0], period=settings.PARTICIPANTS_RESEND_RATE[1]
)
def confirmation_resend(request, slug):
    """Send the confirmation again to the contact already registered (the asker learns nothing new)."""
    forum = _public_forum(slug)
    registration = Registration.objects.filter(forum=forum, pk=request.session.get(RESEND_SESSION_KEY) or 0).first()
    sent = registration is not None and services.registration_confirmation_resend(registration=registration)
    return render(request, "participants/already_registered.html", {"forum": forum, "resent": sent, "asked": True})


def _from_token(request, token):
    """Return (registration, None), or (None, response) for an expired link; 404 for a forged one."""
    try:
        return services.registration_from_token(token=token), None
    except Registration.DoesNotExist:
        raise Http404 from None
    except services.LinkExpiredError:
        return None, render(request, "participants/link_expired.html", status=410)


def confirmation(request, token):
    """Show a registration: code, QR code, forum date and venue, calendar file, self-service links."""
    registration, expired = _from_token(request, token)
    if expired:
        return expired
    context = {
        "registration": registration,
        "forum": registration.forum,
        "token": token,
        "qr_data_uri": exports.qr_svg_data_uri(registration.code),
        "position": selectors.registration_waiting_position(registration=registration),
    }
    return render(request, "participants/confirmation.html", context)


class SelfServiceView(TemplateView):
    """Let a participant change how to reach them, or cancel, through the signed link."""

    template_name = "participants/self_service.html"

    def dispatch(self, request, *args, **kwargs):
        self.registration, expired = _from_token(request, kwargs["token"])
        return expired or super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        form = ContactForm(instance=self.registration)
        return self.render_to_response({"registration": self.registration, "form": form, "token": token})

    def post(self, request, token):
        form = ContactForm(request.POST, instance=self.registration)
        if self.registration.status != Registration.Status.CANCELLED and form.is_valid():
            try:
                form.save()
            except services.DuplicateRegistrationError:
                form.add_error(None, _("This phone number or email is already registered for this forum."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your contact details were saved."))
                return redirect("participants:manage", token=token)
        context = {"registration": self.registration, "form": form, "token": token}
        return self.render_to_response(context, status=400)


@require_http_methods(["GET", "POST"])
def self_cancel(request, token):
    """Ask the participant to confirm, naming them and the forum; then cancel (which may promote someone)."""
    registration, expired = _from_token(request, token)
    if expired:
        return expired
    if registration.status == Registration.Status.CANCELLED:
        return redirect("participants:manage", token=token)
    if request.method == "GET":
        context = {"registration": registration, "forum": registration.forum, "token": token}
        return render(request, "participants/self_cancel_confirm.html", context)
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration is cancelled. Thank you for letting us know."))
    return redirect("participants:confirmation", token=token)


def calendar_file(request, token):
    registration, expired = _from_token(request, token)
    if expired:
        return expired
    response = HttpResponse(exports.registration_ics(registration=registration), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{registration.forum.slug}.ics"'
    return response


# Organizer pages --------------------------------------------------------------------------------


class ManageListView(ManageForumMixin, ListView):
    permission_required = MANAGE
    active_tab = "participants"
    template_name = "participants/manage_list.html"
    context_object_name = "registrations"
    paginate_by = 50

    # A deep page (page 1,000 of a 100,000-person forum) reads its 50 ids from the index first.
    paginator_class = DeferredJoinPaginator

    def get_queryset(self):
        self.filter_form = FilterForm(self.request.GET or None)
        self.filters = self.filter_form.filters()
        return selectors.registrations_for_manage(forum=self.forum, filters=self.filters)

    def get_paginator(self, queryset, per_page, **kwargs):
        self.seats, self.totals = selectors.registration_list_figures(
            forum=self.forum, queryset=queryset, filtered=bool(self.filters)
        )
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.totals["total"]  # already counted with the totals: one query less
        return paginator

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(  # paginates, which computes self.seats and self.totals
            filter_form=self.filter_form,
            targets=selectors.seat_target_progress(forum=self.forum),
            query_string=query.urlencode(),
            **kwargs,
        )
        context["totals"] = self.totals
        context["seats"] = self.seats
        return context


class _ExportView(ManageForumMixin, View):
    """The forum's registrations, narrowed by the participant list's filters, as a file.

    Each export names its file and content type and defines `content()`, which returns the file's body.
    """

    permission_required = MANAGE
    response_class = HttpResponse
    content_type = ""
    disposition = "attachment"
    filename = ""

    def registrations(self):
        filters = FilterForm(self.request.GET or None).filters()
        return selectors.registrations_for_manage(forum=self.forum, filters=filters)

    def get(self, request, slug):
        response = self.response_class(self.content(), content_type=self.content_type)
        response["Content-Disposition"] = f'{self.disposition}; filename="{self.forum.slug}-{self.filename}"'
        return response


class ExportCsvView(_ExportView):
    # Streamed: a large forum's list starts downloading at once instead of being built in memory first.
    response_class = StreamingHttpResponse
    content_type = "text/csv; charset=utf-8"
    filename = "participants.csv"

    def content(self):
        return exports.registrations_csv(self.registrations())


class ExportXlsxView(_ExportView):
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = "participants.xlsx"

    def content(self):
        return exports.registrations_xlsx(self.registrations())


class SignInSheetView(_ExportView):
    content_type = "application/pdf"
    disposition = "inline"
    filename = "sign-in-sheet.pdf"

    def content(self):
        registrations = self.registrations().order_by(name_order("full_name"), "pk")
        return exports.sign_in_sheet_pdf(forum=self.forum, registrations=registrations)


class BadgesView(_ExportView):
    content_type = "application/pdf"
    disposition = "inline"
    filename = "badges.pdf"

    def content(self):
        registrations = self.registrations().exclude(status=Registration.Status.CANCELLED)
        return exports.badges_pdf(forum=self.forum, registrations=registrations)


class RegistrationEditView(ManageForumMixin, TemplateView):
    permission_required = MANAGE
    active_tab = "participants"
    template_name = "participants/manage_edit.html"

    def get(self, request, slug, pk):
        registration = self.forum_object_or_404(Registration, pk=pk)
        form = RegistrationEditForm(instance=registration)
        return self.render_to_response(self.get_context_data(registration=registration, form=form))

    def post(self, request, slug, pk):
        registration = self.forum_object_or_404(Registration, pk=pk)
        form = RegistrationEditForm(request.POST, instance=registration)
        if form.is_valid():
            try:
                form.save()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                name = registration.full_name
                messages.success(request, _("The registration of %(name)s was saved.") % {"name": name})
                return redirect("participants:manage_list", slug=slug)
        return self.render_to_response(self.get_context_data(registration=registration, form=form), status=400)


class _RegistrationConfirmView(ManageForumMixin, View):
    """A change to one person's registration, asked once more on a page that names them (works without JavaScript).

    GET shows the question; a POST without `confirm=yes` is sent to it; a POST with it calls `act()` and goes
    back where the organizer came from (the check-in page, say), if that is on this site.
    """

    permission_required = MANAGE
    http_method_names = ["get", "post"]
    template_name = "participants/manage_confirm.html"

    def _back(self, request, slug):
        return safe_next_url(request, default=reverse("participants:manage_list", kwargs={"slug": slug}))

    def get(self, request, slug, pk):
        registration = self.forum_object_or_404(Registration, pk=pk)
        context = {"forum": self.forum, "registration": registration, "next": self._back(request, slug)}
        return render(request, self.template_name, {**context, **self.question(registration)})

    def post(self, request, slug, pk):
        registration = self.forum_object_or_404(Registration, pk=pk)
        if request.POST.get("confirm") != "yes":
            query = QueryDict(mutable=True)
            query["next"] = self._back(request, slug)
            return redirect(f"{request.path}?{query.urlencode()}")
        self.act(request, registration)
        return redirect(self._back(request, slug))


class RegistrationCancelView(_RegistrationConfirmView):
    def question(self, registration):
        return {
            "heading": _("Cancel the registration of %(name)s?") % {"name": registration.full_name},
            "explanation": _(
                "Their seat goes to the first person waiting, and they are told by message. "
                "You can reactivate the registration afterwards."
            ),
            "confirm_label": _("Yes, cancel the registration"),
            "confirm_class": "btn-danger",
            "possible": registration.status != Registration.Status.CANCELLED,
        }

    def act(self, request, registration):
        promoted = services.registration_cancel(registration=registration)
        messages.success(request, _("The registration of %(name)s is cancelled.") % {"name": registration.full_name})
        if promoted:
            messages.info(request, _("%(name)s moved from the waiting list to a seat.") % {"name": promoted.full_name})


class RegistrationReactivateView(_RegistrationConfirmView):
    """Undo a cancellation: the seat back if one is free, otherwise first on the waiting list."""

    def question(self, registration):
        seats = selectors.forum_seat_counts(forum=self.forum)
        if seats["seats_left"]:
            explanation = _("A seat is free: %(name)s gets it back and is told by message.")
        else:
            explanation = _("Every seat is taken: %(name)s goes first on the waiting list and is told by message.")
        return {
            "heading": _("Reactivate the registration of %(name)s?") % {"name": registration.full_name},
            "explanation": explanation % {"name": registration.full_name},
            "confirm_label": _("Yes, reactivate the registration"),
            "confirm_class": "btn-success",
            "possible": registration.status == Registration.Status.CANCELLED and not registration.anonymised_at,
        }

    def act(self, request, registration):
        name = {"name": registration.full_name}
        try:
            registration = services.registration_reactivate(registration=registration)
        except services.DuplicateRegistrationError as error:
            other = {"other": error.registration.full_name, "code": error.registration.code_display}
            messages.error(
                request,
                _(
                    "%(name)s cannot be reactivated: the same phone, email or NSSF number is now registered "
                    "for %(other)s (%(code)s)."
                )
                % {**name, **other},
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("%(name)s has a seat again.") % name)
            else:
                messages.success(request, _("%(name)s is first on the waiting list.") % name)


class RegistrationPromoteView(ManageForumMixin, View):
    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        registration = self.forum_object_or_404(Registration, pk=pk)
        try:
            services.registration_promote(registration=registration)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(name)s now has a seat.") % {"name": registration.full_name})
        # Back where the organizer came from (the check-in page, say), if that is on this site.
        return redirect(safe_next_url(request, default=reverse("participants:manage_list", kwargs={"slug": slug})))


class FillFreeSeatsView(ManageForumMixin, View):
    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request, slug):
        promoted = services.waiting_list_fill_free_seats(forum=self.forum)
        messages.success(
            request,
            ngettext(
                "%(count)d person moved from the waiting list to a seat.",
                "%(count)d people moved from the waiting list to a seat.",
                len(promoted),
            )
            % {"count": len(promoted)},
        )
        return redirect("participants:manage_list", slug=slug)


class TargetsView(ManageForumMixin, TemplateView):
    permission_required = MANAGE
    active_tab = "targets"
    template_name = "participants/targets.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=selectors.seat_target_progress(forum=self.forum),
            seats=selectors.forum_seat_counts(forum=self.forum),
            **kwargs,
        )

    def get(self, request, slug):
        return self.render_to_response(self.get_context_data(form=SeatTargetForm(forum=self.forum)))

    def post(self, request, slug):
        form = SeatTargetForm(request.POST, forum=self.forum)
        if form.is_valid():
            try:
                form.save()
            except ValidationError:
                return self.render_to_response(self.get_context_data(form=form), status=400)  # the form has the error
            messages.success(request, _("The target was saved."))
            return redirect("participants:targets", slug=slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TargetDeleteView(ManageForumMixin, View):
    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        services.seat_target_delete(target=self.forum_object_or_404(SeatTarget, pk=pk))
        messages.success(request, _("The target was removed."))
        return redirect("participants:targets", slug=slug)


CHECK_IN_SCREEN_SESSION_KEY = "participants_check_in_screen"


class WalkInView(ManageForumMixin, TemplateView):
    """Register a person who arrives at the door, with the few details that matter there; they are checked in."""

    permission_required = CHECK_IN
    active_tab = "check_in"
    template_name = "participants/walk_in.html"

    def get(self, request, slug):
        return self.render_to_response(self.get_context_data(form=WalkInForm(forum=self.forum)))

    def post(self, request, slug):
        form = WalkInForm(request.POST, forum=self.forum)
        if form.is_valid():
            try:
                registration = form.save(walk_in=True, by=request.user)
            except services.DuplicateRegistrationError:
                form.add_error("phone", _("This person is already registered: search for them on the check-in page."))
            else:
                # The check-in page greets the person full screen, ready for the next one.
                request.session[CHECK_IN_SCREEN_SESSION_KEY] = {"pk": registration.pk, "outcome": "walk_in"}
                return redirect("participants:check_in", slug=slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _check_in_screen(request, forum, registration, outcome, query=""):
    """Return what the full-screen result says: who, what happened, what to do next, and the action if any.

    `outcome` is "checked_in", "walk_in", "already", "cancelled", "waiting" or "unknown".
    """
    back = reverse("participants:check_in", kwargs={"slug": forum.slug})
    back_here = f"{back}?{_query_string(query)}" if query else back
    name = registration.full_name if registration else ""
    screen = {"tone": "success", "name": name, "action": None, "next_url": back_here}
    code = {"code": registration.code_display} if registration else {}
    if outcome in ("checked_in", "walk_in"):
        screen["headline"] = _check_in_message(registration, True)
        screen["next"] = (
            _("Welcome. Give them a badge with the code %(code)s.") % code
            if outcome == "walk_in"
            else _("Welcome. Give them their badge and the programme.")
        )
    elif outcome == "already":
        screen["tone"] = "warning"
        screen["headline"] = _check_in_message(registration, False)
        screen["next"] = _("Let them in. If they have no badge, print it again.")
    elif outcome == "cancelled":
        screen["tone"] = "danger"
        screen["headline"] = _("%(name)s: this registration was cancelled.") % {"name": name}
        screen["next"] = _("Reactivate it to give the seat back if one is free, or register them as a walk-in.")
        if request.user.has_perm(MANAGE):
            url = reverse("participants:reactivate", kwargs={"slug": forum.slug, "pk": registration.pk})
            screen["action"] = {"url": f"{url}?{_query_string(back_here, 'next')}", "label": _("Reactivate")}
    elif outcome == "waiting":
        screen["tone"] = "danger"
        screen["headline"] = _("%(name)s is on the waiting list and has no seat.") % {"name": name}
        screen["next"] = _("Give them a seat if one is free; otherwise ask them to wait for a free seat.")
        if request.user.has_perm(MANAGE):
            url = reverse("participants:promote", kwargs={"slug": forum.slug, "pk": registration.pk})
            screen["action"] = {"url": url, "label": _("Give a seat"), "post": True, "next": back_here}
    else:
        screen["tone"] = "danger"
        screen["headline"] = _("No registration with this code for this forum.")
        screen["next"] = _("Search by name or phone, or register them as a walk-in.")
        walk_in = reverse("participants:walk_in", kwargs={"slug": forum.slug})
        screen["action"] = {"url": walk_in, "label": _("Register a walk-in")}
    return screen


def _query_string(value, name="q"):
    query = QueryDict(mutable=True)
    query[name] = value
    return query.urlencode()


class CheckInView(ManageForumMixin, TemplateView):
    """Check participants in: search first, or type or scan a code; each result shows full screen.

    Without JavaScript the forms post and come back to the same search (post, redirect, get); with it,
    check-in.js posts in place and shows the same result, rendered here, without reloading the page.
    """

    permission_required = CHECK_IN
    active_tab = "check_in"
    template_name = "participants/check_in.html"

    def get(self, request, slug):
        query = request.GET.get("q", "").strip()[:100]
        results = (
            selectors.registrations_for_manage(forum=self.forum, filters={"q": query}).exclude(
                status=Registration.Status.CANCELLED
            )[:20]
            if query
            else []
        )
        screen = None
        shown = request.session.pop(CHECK_IN_SCREEN_SESSION_KEY, None)
        if isinstance(shown, dict):
            registration = Registration.objects.filter(forum=self.forum, pk=shown.get("pk") or 0).first()
            if registration is not None or shown.get("outcome") == "unknown":
                screen = _check_in_screen(request, self.forum, registration, shown.get("outcome"), query)
        return self._render(CheckInForm(), query=query, results=results, screen=screen)

    def _render(self, form, status=200, **extra):
        seats = selectors.forum_seat_counts(forum=self.forum)
        return self.render_to_response(self.get_context_data(form=form, seats=seats, **extra), status=status)

    def post(self, request, slug):
        form = CheckInForm(request.POST)
        query = request.POST.get("q", "").strip()[:100]
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        if not form.is_valid():
            if wants_json:
                return JsonResponse({"ok": False, "message": _("Enter a reference code.")}, status=400)
            return self._render(form, status=400, query=query)
        try:
            registration, first = services.registration_check_in(
                forum=self.forum, code=form.cleaned_data["code"], by=request.user
            )
        except services.CheckInError as error:
            screen = _check_in_screen(request, self.forum, error.registration, error.code, query)
            if wants_json:
                return JsonResponse(
                    {"ok": False, "message": error.messages[0], "screen": self._screen_html(screen)}, status=404
                )
            form.add_error("code", error)
            return self._render(form, status=404, query=query, screen=screen)
        outcome = "checked_in" if first else "already"
        if wants_json:
            counts = selectors.forum_seat_counts(forum=self.forum)
            screen = _check_in_screen(request, self.forum, registration, outcome, query)
            text = _check_in_message(registration, first)
            return JsonResponse(
                {"ok": True, "first": first, "message": text, "counters": counts, "screen": self._screen_html(screen)}
            )
        request.session[CHECK_IN_SCREEN_SESSION_KEY] = {"pk": registration.pk, "outcome": outcome}
        url = reverse("participants:check_in", kwargs={"slug": slug})
        return redirect(f"{url}?{_query_string(query)}" if query else url)

    def _screen_html(self, screen):
        return render_to_string("participants/_check_in_screen.html", {"screen": screen}, request=self.request)


def _check_in_message(registration, first):
    if first:
        return _("%(name)s is checked in (%(code)s).") % {
            "name": registration.full_name,
            "code": registration.code_display,
        }
    return _("%(name)s was already checked in at %(time)s.") % {
        "name": registration.full_name,
        "time": formats.time_format(timezone.localtime(registration.checked_in_at), "TIME_FORMAT"),
    }


class CheckInCountersView(ManageForumMixin, View):
    """Return the live counters of the check-in page as JSON."""

    permission_required = CHECK_IN

    def get(self, request, slug):
        return JsonResponse(selectors.forum_seat_counts(forum=self.forum))


# Messages to participants -----------------------------------------------------------------------

SEND_MESSAGES = "notifications.send_announcement"


class AnnouncementView(ManageForumMixin, FormView):
    """Compose an announcement, check it, then queue it to every confirmed participant in their language.

    Three steps on one URL, without JavaScript: the text; its preview (recipients per channel, each
    language's text, SMS parts and estimated cost, a test to oneself); the send, only with `confirm=yes`.
    """

    permission_required = SEND_MESSAGES
    active_tab = "messages"
    template_name = "participants/announcement_form.html"
    form_class = AnnouncementForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.forum}

    def form_valid(self, form):
        action = self.request.POST.get("action")
        if action == "edit":
            return self.render_to_response(self.get_context_data(form=form))
        if action == "send" and self.request.POST.get("confirm") == "yes":
            return self._send(form)
        if action == "test":
            self._test(form)
        return self.render_to_response(self.get_context_data(form=form, preview=form.preview()))

    def _send(self, form):
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

    def _test(self, form):
        if form.test_send(user=self.request.user):
            address = {"email": self.request.user.email}
            messages.success(self.request, _("A test was sent to %(email)s, in each language written.") % address)
        else:
            messages.error(self.request, _("Your account has no email address to send a test to."))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReminderSettingsView(ManageForumMixin, FormView):
    """Choose how many days before the forum, and at what hour, reminders go out."""

    permission_required = SEND_MESSAGES
    active_tab = "messages"
    template_name = "participants/reminder_settings_form.html"
    form_class = ReminderSettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.forum}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The reminder settings were saved."))
        return redirect("notifications:message_log", slug=self.forum.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Erasure -----------------------------------------------------------------------------------------------

SELF_SERVICE_REASON = "self_service"


@require_http_methods(["GET", "POST"])
def self_erase(request, token):
    """Ask for confirmation, then cancel the registration and erase its personal data (audited)."""
    registration, expired = _from_token(request, token)
    if expired:
        return expired
    form = EraseConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        registration_erase(registration=registration, reason=SELF_SERVICE_REASON)
        return render(request, "participants/erased.html")
    status = 400 if form.is_bound else 200
    context = {"registration": registration, "token": token, "form": form}
    return render(request, "participants/erase_confirm.html", context, status=status)


class RegistrationEraseView(ManageForumMixin, FormView):
    """An organizer erases a person's details on their request, naming the person before it is done."""

    permission_required = MANAGE
    template_name = "participants/manage_erase.html"
    form_class = RegistrationEraseForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(registration=self._registration(), **kwargs)

    def _registration(self):
        if not hasattr(self, "registration"):
            self.registration = self.forum_object_or_404(Registration, pk=self.kwargs["pk"])
        return self.registration

    def form_valid(self, form):
        registration = self._registration()
        name = registration.full_name
        registration_erase(registration=registration, actor=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(self.request, _("The details of %(name)s were deleted.") % {"name": name})
        return redirect("participants:manage_list", slug=self.forum.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Offline check-in -----------------------------------------------------------------------------------------

WALK_IN_PREFIX = "walkin"


class CheckInRosterView(ManageForumMixin, View):
    """Return what a check-in device keeps of the forum (codes, names, statuses) and the counters, as JSON."""

    permission_required = CHECK_IN

    def get(self, request, slug):
        return JsonResponse(
            {
                "forum": self.forum.slug,
                "ends_at": self.forum.ends_at.isoformat(),
                "registrations": selectors.registrations_roster(forum=self.forum),
                "counters": selectors.forum_seat_counts(forum=self.forum),
            }
        )


def _sync_item(body: bytes) -> tuple[dict, uuid.UUID, object]:
    """Return a queued item, its client id and the time the device recorded; raise ValueError if unreadable."""
    try:
        item = json.loads(body)
        client_id = uuid.UUID(str(item["id"]))
        at = parse_datetime(str(item.get("at") or ""))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(error) from None
    return item, client_id, at


class CheckInWalkInView(ManageForumMixin, TemplateView):
    """Record a walk-in on the device, to be sent with the check-ins; kept by the service worker for no connection."""

    permission_required = CHECK_IN
    active_tab = "check_in"
    template_name = "participants/check_in_walk_in.html"

    def get_context_data(self, **kwargs):
        # Every question shows unfolded here: with no connection, nothing can be completed on another page.
        form = WalkInForm(forum=self.forum, prefix=WALK_IN_PREFIX, more_open=True)
        return super().get_context_data(walk_in_form=form, **kwargs)


class CheckInSyncView(ManageForumMixin, View):
    """Apply one check-in or walk-in queued on a device (JSON); idempotent by the device's id for it."""

    permission_required = CHECK_IN
    http_method_names = ["post"]

    def post(self, request, slug):
        try:
            item, client_id, at = _sync_item(request.body)
        except ValueError:
            return JsonResponse({"ok": False, "message": _("This check-in could not be read.")}, status=400)
        try:
            if item.get("kind") == "walk_in":
                registration = self._walk_in(item, client_id, at)
            else:
                registration = services.registration_check_in_offline(
                    forum=self.forum, code=str(item.get("code", "")), client_id=client_id, at=at, by=request.user
                )
        except services.CheckInError as error:
            return JsonResponse({"ok": False, "conflict": "unknown", "message": error.messages[0]}, status=404)
        except services.CheckInConflict as error:
            return JsonResponse({"ok": False, "conflict": error.code, "message": error.messages[0]}, status=409)
        except ValidationError as error:
            return JsonResponse({"ok": False, "conflict": "invalid", "message": " ".join(error.messages)}, status=400)
        counters = selectors.forum_seat_counts(forum=self.forum)
        text = _("%(name)s is checked in (%(code)s).") % {"name": registration.full_name, "code": registration.code}
        return JsonResponse({"ok": True, "code": registration.code, "message": text, "counters": counters})

    def _walk_in(self, item, client_id, at):
        fields = item.get("fields") if isinstance(item.get("fields"), dict) else {}
        data = QueryDict(mutable=True)
        for name, value in fields.items():
            data.setlist(name, [str(one) for one in (value if isinstance(value, list) else [value])])
        form = WalkInForm(data, forum=self.forum, prefix=WALK_IN_PREFIX)
        if not form.is_valid():
            messages_ = [message for errors in form.errors.values() for message in errors]
            raise ValidationError(messages_)
        return services.registration_walk_in_offline(
            forum=self.forum,
            data=form.registration_data(),
            client_id=client_id,
            at=at,
            shared_phone_note=form.cleaned_data["shared_phone_note"],
            by=self.request.user,
        )


class BadgeReprintView(ManageForumMixin, View):
    """Print one person's badge again, as a PDF, and note it; the check-in is left as it was."""

    permission_required = CHECK_IN
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        registration = self.forum_object_or_404(
            Registration.objects.exclude(status=Registration.Status.CANCELLED), pk=pk
        )
        services.registration_badge_print(registration=registration)
        pdf = exports.badges_pdf(forum=self.forum, registrations=Registration.objects.filter(pk=registration.pk))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="badge-{registration.code}.pdf"'
        return response


class CheckInManifestView(ManageForumMixin, View):
    """Return the web app manifest that installs the check-in page of this forum."""

    permission_required = CHECK_IN

    def get(self, request, slug):
        start = reverse("participants:check_in", kwargs={"slug": slug})
        manifest = {
            "name": _("Check-in: %(forum)s") % {"forum": self.forum.title},
            "short_name": _("Check-in"),
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1b4f72",
            "icons": [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        }
        return JsonResponse(manifest, content_type="application/manifest+json")


class CheckInServiceWorkerView(ManageForumMixin, View):
    """Serve the service worker from under the check-in page, so its scope is the check-in pages only."""

    permission_required = CHECK_IN

    def get(self, request, slug):
        with open(finders.find("js/checkin-sw.js"), encoding="utf-8") as script:
            response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response


# Certificates and evaluation ------------------------------------------------------------------------


@require_http_methods(["GET"])
@ratelimit(
    scope="certificate-verify",
    limit=settings.PARTICIPANTS_CERTIFICATE_VERIFY_RATE[0],
    period=settings.PARTICIPANTS_CERTIFICATE_VERIFY_RATE[1],
    methods=("GET",),
)
def certificate_verify(request, code):
    """Show whom a certificate was given to, for which forum and when; an unknown code says only "not found"."""
    certificate = selectors.certificate_for_code(code=code)
    status = 200 if certificate else 404
    return render(request, "participants/certificate_verify.html", {"certificate": certificate}, status=status)


def certificate_download(request, token):
    """Give a checked-in participant their certificate through their self-service link, even after the forum."""
    try:
        registration = services.registration_from_token_for_certificate(token=token)
    except (Registration.DoesNotExist, services.CertificateUnavailableError):
        raise Http404 from None
    certificate = services.certificate_issue(registration=registration)
    language = registration.preferred_language
    pdf = exports.certificates_pdf(forum=registration.forum, certificates=[certificate], language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


class CertificatesView(_ExportView):
    """Every checked-in participant's certificate in one PDF, each in the person's language."""

    content_type = "application/pdf"
    filename = "certificates.pdf"

    def content(self):
        certificates = services.certificates_issue_for_forum(forum=self.forum)
        language = translation.get_language()
        return exports.certificates_pdf(forum=self.forum, certificates=certificates, language=language)


class EvaluationDefineView(ManageForumMixin, FormView):
    """Write the forum's evaluation: up to ten closed questions and an open one, in Khmer and English."""

    permission_required = MANAGE
    active_tab = "evaluation"
    template_name = "participants/evaluation_define.html"
    form_class = EvaluationDefinitionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "forum": self.forum}

    def form_valid(self, form):
        try:
            form.save()
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The evaluation was saved."))
        return redirect("participants:evaluation_results", slug=self.forum.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EvaluationResultsView(ManageForumMixin, TemplateView):
    """The evaluation's figures, overall and by group, and the names of those who have not answered yet."""

    permission_required = MANAGE
    active_tab = "evaluation"
    template_name = "participants/evaluation_results.html"

    def get_context_data(self, **kwargs):
        evaluation = Evaluation.objects.filter(forum=self.forum).first()
        if evaluation is None:
            return super().get_context_data(evaluation=None, **kwargs)
        return super().get_context_data(
            evaluation=evaluation,
            results=selectors.evaluation_results(evaluation=evaluation),
            not_answered=selectors.evaluation_not_answered(evaluation=evaluation),
            open_answers=selectors.evaluation_open_answers(evaluation=evaluation),
            **kwargs,
        )


class EvaluationRemindView(ManageForumMixin, View):
    """Remind the people who came and have not answered the evaluation (POST only, once a day per person)."""

    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request, slug):
        evaluation = get_object_or_404(Evaluation, forum=self.forum)
        count = participant_messages.evaluation_reminders_send(evaluation=evaluation)
        messages.success(
            request,
            ngettext("A reminder was queued to %(count)d person.", "A reminder was queued to %(count)d people.", count)
            % {"count": count},
        )
        return redirect("participants:evaluation_results", slug=self.forum.slug)


@require_http_methods(["GET", "POST"])
def evaluation_answer(request, token):
    """Let a participant answer the evaluation once, through their personal link, in their language."""
    try:
        registration, moment = services.evaluation_from_token(token=token)
    except Registration.DoesNotExist:
        raise Http404 from None
    language = registration.preferred_language
    answered = registration.evaluation_responses.filter(moment=moment).exists()
    form = EvaluationAnswerForm(
        request.POST if request.method == "POST" else None, registration=registration, moment=moment, language=language
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Thank you. Your answers were recorded."))
        return redirect("participants:evaluation_answer", token=token)
    context = {"registration": registration, "form": form, "answered": answered, "moment": moment, "token": token}
    context["is_open"] = services.evaluation_is_open(forum=registration.forum, moment=moment)
    context["certificate_token"] = services.registration_token(registration=registration)
    return render(request, "participants/evaluation_answer.html", context, status=400 if form.errors else 200)
