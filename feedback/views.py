from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from events.mixins import ManageForumMixin
from events.models import Forum, ForumSeries
from feedback import commitment_selectors, forms, selectors, services, tracking
from feedback.calendar import service_promises
from feedback.models import Concern
from feedback.retention import concern_contact_erase, concern_text_keepable
from forum_portal.ratelimit import limited, ratelimit, within_limits

Status = Concern.Status
SUBMITTED_SESSION_KEY = "feedback_submitted_code"
RECORD = "feedback.record_concerns"


def _language() -> str:
    return "en" if get_language() == "en" else "km"


@require_http_methods(["GET", "POST"])
@ratelimit(
    scope="concern-submit",
    rate="FEEDBACK_SUBMIT_RATE",
    field="contact_phone",
    field_rate="FEEDBACK_SUBMIT_PER_PHONE_RATE",
)
def concern_create(request):
    """Let anyone raise a concern; on success show the tracking code (kept in the session, not the URL)."""
    forum = Forum.objects.filter(slug=request.GET.get("forum") or "", status__in=Forum.PUBLIC_STATUSES).first()
    form = forms.ConcernForm(request.POST or None, request.FILES or None, forum=forum)
    if request.method == "POST":
        if form.is_valid():
            try:
                concern = form.save(language=_language())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[SUBMITTED_SESSION_KEY] = concern.tracking_code
                return redirect("feedback:concern_submitted")
        return render(request, "feedback/concern_form.html", {"form": form, "forum": forum}, status=400)
    return render(request, "feedback/concern_form.html", {"form": form, "forum": forum})


def concern_submitted(request):
    code = request.session.get(SUBMITTED_SESSION_KEY)
    concern = selectors.concern_for_tracking(code=code) if code else None
    if concern is None:
        return redirect("feedback:concern_create")
    context = {"concern": concern, "track_path": _track_path(concern), "promises": service_promises()}
    return _no_referrer(render(request, "feedback/concern_submitted.html", context))


def _track_path(concern: Concern) -> str:
    return reverse("feedback:concern_track_link", kwargs={"token": tracking.concern_track_token(concern=concern)})


def _no_referrer(response):
    """Send no path in any Referer from a page whose address or content holds a concern's key (code or link).

    "strict-origin" rather than "no-referrer": under "no-referrer" Chromium sends `Origin: null` with the page's
    forms (the tracking form, the language switch), which Django's CSRF check rightly refuses. "strict-origin"
    sends the site's origin alone, to this site as to any other, so neither the link nor the code leaves the page.
    """
    response["Referrer-Policy"] = "strict-origin"
    return response


def _track_context(concern, **forms_given) -> dict:
    """What the tracking page offers under a concern: the "was it resolved?" question, and an appeal."""
    if concern is None:
        return {}
    code = {"code": concern.tracking_code}
    open_appeal = any(appeal.status == appeal.Status.OPEN for appeal in concern.public_appeals)
    context = {"concern": concern, "open_appeal": open_appeal, "external_route": services.external_route()}
    if concern.status == Status.CLOSED and not concern.resolution_answer:
        context["resolution_form"] = forms_given.get("resolution_form") or forms.TrackResolutionForm(initial=code)
    if not open_appeal and concern.status != Status.NEW:
        context["appeal_form"] = forms_given.get("appeal_form") or forms.TrackAppealForm(initial=code)
    return context


def _track_hit(request):
    """Count one lookup against the tracking limit; return the 429 page when it is spent, else None."""
    wait = within_limits(
        request,
        scope="concern-track",
        rate="FEEDBACK_TRACK_RATE",
        field="code",
        field_rate="FEEDBACK_TRACK_PER_CODE_RATE",
    )
    return None if wait is None else limited(request, period=wait)


@require_http_methods(["GET", "POST"])
def concern_track(request):
    """Show a concern's status and NSSF's answer to whoever has its code; lookups are rate limited."""
    form = forms.TrackForm(request.POST or None)
    context = {"form": form, "looked_up": False}
    if request.method == "POST":
        if refused := _track_hit(request):
            return refused
        if form.is_valid():
            concern = selectors.concern_for_tracking(code=form.cleaned_data["code"])
            context.update(looked_up=True, concern=concern)
            context.update(_track_context(concern))
            if concern is None:
                form.add_error("code", _("No concern has this tracking code. Check each letter and number."))
            else:
                context["track_path"] = _track_path(context["concern"])
    status = 400 if form.is_bound and form.errors else 200
    return _no_referrer(render(request, "feedback/concern_track.html", context, status=status))


@require_http_methods(["GET"])
def concern_track_link(request, token):
    """Show a concern's status and answer at its stable link (see feedback.tracking); lookups are rate limited
    as the form's are, and the page's Referer never carries its path."""
    wait = within_limits(request, scope="concern-track", rate="FEEDBACK_TRACK_RATE")
    if wait is not None:
        return limited(request, period=wait)
    concern = tracking.concern_from_track_token(token=token)
    if concern is None:
        raise Http404
    context = {"form": forms.TrackForm(), "looked_up": True, "concern": concern, "from_link": True}
    return _no_referrer(render(request, "feedback/concern_track.html", context))


def _track_act(request, form, act):
    """Apply a submitter's answer or appeal sent from the tracking page (the code is the key; rate limited)."""
    if refused := _track_hit(request):
        return refused
    code = request.POST.get("code", "")
    concern = selectors.concern_for_tracking(code=code) if code else None
    if concern is None:
        raise Http404
    status = 400
    if form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "code"}
        try:
            act(concern, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. Your answer was recorded."))
            concern, form, status = selectors.concern_for_tracking(code=code), None, 200
    name = "appeal_form" if isinstance(form, forms.AppealForm) else "resolution_form"
    context = {"form": forms.TrackForm(initial={"code": concern.display_code}), "looked_up": True}
    context.update(_track_context(concern, **({name: form} if form is not None else {})))
    return render(request, "feedback/concern_track.html", context, status=status)


@require_http_methods(["POST"])
def concern_track_answer(request):
    return _track_act(
        request,
        forms.TrackResolutionForm(request.POST),
        lambda concern, data: services.concern_resolution_answer(concern=concern, **data),
    )


@require_http_methods(["POST"])
def concern_track_appeal(request):
    return _track_act(
        request,
        forms.TrackAppealForm(request.POST),
        lambda concern, data: services.appeal_open(concern=concern, actor=None, **data),
    )


@require_http_methods(["GET", "POST"])
def concern_resolution(request, token):
    """The "was it resolved?" page the submitter reaches from the message sent 14 days after closing."""
    concern = services.concern_from_resolution_token(token=token)
    if concern is None:
        raise Http404
    form = forms.ResolutionForm(request.POST or None)
    answered = bool(concern.resolution_answer)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.concern_resolution_answer(concern=concern, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. Your answer was recorded."))
            return redirect("feedback:concern_resolution", token=token)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "feedback/concern_resolution.html",
        {"form": form, "concern": concern, "answered": answered, **_resolution_appeal_context(concern, token)},
        status=status,
    )


def _resolution_appeal_context(concern, token: str, form=None) -> dict:
    open_appeal = concern.appeals.filter(status="open").exists()
    return {
        "open_appeal": open_appeal,
        "appeal_form": None if open_appeal else form or forms.AppealForm(),
        "external_route": services.external_route(),
        "decided_appeals": concern.appeals.filter(status="closed").order_by("-closed_at"),
        "view_token": token,
    }


@require_http_methods(["POST"])
def concern_resolution_appeal(request, token):
    """The submitter's own link also lets them ask the supervisors to look at the concern again."""
    concern = services.concern_from_resolution_token(token=token)
    if concern is None:
        raise Http404
    form = forms.AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_open(concern=concern, actor=None, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your appeal was sent to the NSSF supervisors."))
            return redirect("feedback:concern_resolution", token=token)
    context = {
        "form": forms.ResolutionForm(),
        "concern": concern,
        "answered": bool(concern.resolution_answer),
        **_resolution_appeal_context(concern, token, form),
    }
    return render(request, "feedback/concern_resolution.html", context, status=400)


def _accountability(request, *, concerns, title, forum=None, series=None, commitments=None):
    return render(
        request,
        "feedback/accountability.html",
        {
            "title": title,
            "forum": forum,
            "series": series,
            "figures": selectors.accountability_figures_public(concerns=concerns),
            "responses": selectors.publishable_responses(concerns=concerns),
            "commitments": commitments,
            "commitment_figures": commitment_selectors.commitments_figures(commitments=commitments),
        },
    )


def forum_accountability(request, slug):
    forum = get_object_or_404(Forum.objects.select_related("series"), slug=slug, status__in=Forum.PUBLIC_STATUSES)
    return _accountability(
        request,
        concerns=Concern.objects.filter(forum=forum),
        title=forum.title,
        forum=forum,
        commitments=commitment_selectors.forum_commitments(forum=forum),
    )


def series_accountability(request, slug):
    public = ForumSeries.objects.filter(forums__status__in=Forum.PUBLIC_STATUSES).distinct()
    series = get_object_or_404(public, slug=slug)
    concerns = Concern.objects.filter(forum__series=series, forum__status__in=Forum.PUBLIC_STATUSES)
    commitments = commitment_selectors.series_commitments(series=series, public_statuses=Forum.PUBLIC_STATUSES)
    return _accountability(request, concerns=concerns, title=series.title, series=series, commitments=commitments)


class QueueView(PermissionRequiredMixin, TemplateView):
    """The officer's queue: saved views, filters, and pages that cost the same deep in 100,000 concerns."""

    permission_required = "feedback.review_concerns"
    template_name = "feedback/manage/queue.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        filter_form = forms.QueueFilterForm(self.request.GET or None)
        filters = filter_form.cleaned_data if filter_form.is_valid() else {}
        concerns = selectors.concerns_queue(user=self.request.user, filters=filters)
        ordering = selectors.SORTS[selectors.queue_sort(filters)]
        page = selectors.keyset_page(
            concerns, ordering=ordering, after=self.request.GET.get("after", ""), size=self.page_size
        )
        total, more = selectors.count_capped(concerns)
        query = self.request.GET.copy()
        query.pop("after", None)
        views_query = query.copy()
        views_query.pop("view", None)
        return super().get_context_data(
            filter_form=filter_form,
            concerns=page["rows"],
            next_cursor=page["next_cursor"],
            first_page=page["first"],
            counts={"total": total, "more": more},
            view=filters.get("view") or "open",
            filters_open=any(
                value for key, values in self.request.GET.lists() if key not in ("view", "after") for value in values
            ),
            views=forms.QUEUE_VIEW_LABELS.items(),
            recording_forums=selectors.forums_for_recording() if self.request.user.has_perm(RECORD) else [],
            query_string=query.urlencode(),
            views_query=views_query.urlencode(),
            **kwargs,
        )


class AppealQueueView(PermissionRequiredMixin, TemplateView):
    """The supervisors' queue of appeals: open ones by their decide-by date; decided ones on request."""

    permission_required = "feedback.supervise_concerns"
    template_name = "feedback/manage/appeals.html"

    def get_context_data(self, **kwargs):
        decided = self.request.GET.get("status") == "closed"
        appeals = selectors.appeals_queue(status="closed" if decided else "open")
        page = selectors.keyset_page(appeals, ordering=("due", "pk"), after=self.request.GET.get("after", ""))
        return super().get_context_data(
            appeals=page["rows"], next_cursor=page["next_cursor"], decided=decided, **kwargs
        )


def _concern_or_404(request, code) -> Concern:
    try:
        return selectors.concern_for_staff(user=request.user, code=code)
    except Concern.DoesNotExist:
        raise Http404 from None


# The actions on a concern's page: form, service call, success message.
ACTIONS = {
    "acknowledge": (
        forms.NoteForm,
        lambda c, u, d: services.concern_transition(concern=c, to_status=Status.ACKNOWLEDGED, actor=u, **d),
        gettext_lazy("Acknowledged."),
    ),
    "review": (
        forms.NoteForm,
        lambda c, u, d: services.concern_transition(concern=c, to_status=Status.UNDER_REVIEW, actor=u, **d),
        gettext_lazy("The concern is under review."),
    ),
    "respond": (
        forms.RespondForm,
        lambda c, u, d: services.concern_transition(concern=c, to_status=Status.RESPONDED, actor=u, **d),
        gettext_lazy("The response was recorded."),
    ),
    "close": (
        forms.CloseForm,
        lambda c, u, d: services.concern_transition(concern=c, to_status=Status.CLOSED, actor=u, **d),
        gettext_lazy("The concern is closed."),
    ),
    "reopen": (
        forms.ReopenForm,
        lambda c, u, d: services.concern_transition(concern=c, to_status=Status.UNDER_REVIEW, actor=u, **d),
        gettext_lazy("The concern was reopened."),
    ),
    "assign": (
        forms.AssignForm,
        lambda c, u, d: services.concern_assign(concern=c, actor=u, **d),
        gettext_lazy("The assignment was saved."),
    ),
    "priority": (
        forms.PriorityForm,
        lambda c, u, d: services.concern_set_priority(concern=c, actor=u, **d),
        gettext_lazy("The priority was saved."),
    ),
    "note": (
        forms.InternalNoteForm,
        lambda c, u, d: services.concern_add_note(concern=c, actor=u, **d),
        gettext_lazy("The note was added."),
    ),
    "link": (
        forms.LinkForm,
        lambda c, u, d: services.concern_link(concern=c, actor=u, **d),
        gettext_lazy("The concerns were linked."),
    ),
    "policy": (
        forms.PolicyForm,
        lambda c, u, d: services.concern_flag_policy(concern=c, actor=u, **d),
        gettext_lazy("The policy flag was saved."),
    ),
    "interim": (
        forms.InterimForm,
        lambda c, u, d: services.concern_interim_notice(concern=c, actor=u, **d),
        gettext_lazy("The interim notice was recorded."),
    ),
    "appeal": (
        forms.AppealForm,
        lambda c, u, d: services.appeal_open(concern=c, actor=u, **d),
        gettext_lazy("The concern was sent to the supervisors as an appeal."),
    ),
    "appeal_close": (
        forms.AppealCloseForm,
        lambda c, u, d: services.appeal_close(appeal=_open_appeal(c), actor=u, **d),
        gettext_lazy("The appeal was decided and the person told."),
    ),
}


def _open_appeal(concern: Concern):
    appeal = next((appeal for appeal in concern.appeals.all() if appeal.status == appeal.Status.OPEN), None)
    if appeal is None:
        raise ValidationError(_("This concern has no open appeal."))
    return appeal


def _action_forms(concern: Concern, bound: tuple[str, object] | None = None) -> dict:
    initial = {
        "assign": {"assignee": concern.assignee_id},
        "priority": {"priority": concern.priority},
        "policy": {"flagged": concern.policy_issue},
    }
    result = {
        name: form_class(initial=initial.get(name), prefix=name) for name, (form_class, _call, _msg) in ACTIONS.items()
    }
    if bound:
        result[bound[0]] = bound[1]
    return result


class ConcernDetailView(PermissionRequiredMixin, View):
    """The officer's concern page: one form changes category, assignee, priority and status and answers."""

    permission_required = "feedback.review_concerns"
    template_name = "feedback/manage/concern_detail.html"

    def get(self, request, code):
        concern = _concern_or_404(request, code)
        context = {"concern": concern, "forms": _action_forms(concern), "update_form": _update_form(concern)}
        return render(request, self.template_name, context)

    def post(self, request, code):
        concern = _concern_or_404(request, code)
        form = forms.ConcernUpdateForm(request.POST, concern=concern)
        if form.is_valid():
            try:
                form.save(actor=request.user)
            except ValidationError as error:
                _errors_onto(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(concern)
        concern = _concern_or_404(request, code)
        context = {"concern": concern, "forms": _action_forms(concern), "update_form": form}
        return render(request, self.template_name, context, status=400)


def _update_form(concern: Concern):
    return forms.ConcernUpdateForm(concern=concern)


def _errors_onto(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ConcernActionView(PermissionRequiredMixin, View):
    """Apply one action of the concern page (POST only); errors show next to the fields, nothing saved."""

    permission_required = "feedback.review_concerns"
    http_method_names = ["post"]

    def post(self, request, code, action):
        concern = _concern_or_404(request, code)
        form_class, call, success = ACTIONS[action]
        form = form_class(request.POST, prefix=action)
        if form.is_valid():
            try:
                call(concern, request.user, form.cleaned_data)
            except ValidationError as error:
                _errors_onto(form, error)
            else:
                messages.success(request, success)
                return redirect(concern)
        concern = _concern_or_404(request, code)
        context = {
            "concern": concern,
            "forms": _action_forms(concern, (action, form)),
            "update_form": _update_form(concern),
            "open_action": action,
            "action_errors": form.non_field_errors(),
        }
        return render(request, "feedback/manage/concern_detail.html", context, status=400)


class ConcernContactView(PermissionRequiredMixin, View):
    """Show the submitter's contact details; each view is written to the audit trail."""

    permission_required = ("feedback.review_concerns", "feedback.view_concern_contact")

    def get(self, request, code):
        concern = _concern_or_404(request, code)
        services.concern_personal_data_viewed(concern=concern, actor=request.user)
        return render(request, "feedback/manage/concern_contact.html", {"concern": concern})


class ConcernAttachmentView(PermissionRequiredMixin, View):
    """Serve the attachment to NSSF staff only, with the audit entry written first (never cached: see
    forum_portal.middleware)."""

    permission_required = ("feedback.review_concerns", "feedback.view_concern_contact")

    def get(self, request, code):
        concern = _concern_or_404(request, code)
        if not concern.attachment:
            raise Http404
        services.concern_personal_data_viewed(concern=concern, actor=request.user, attachment=True)
        # Attachments are small (the upload limit), so reading them whole keeps no file handle open.
        with concern.attachment.open("rb") as attachment:
            response = HttpResponse(attachment.read(), content_type=concern.attachment_type)
        response["Content-Disposition"] = "inline" if concern.attachment_type.startswith("image/") else "attachment"
        return response


class ForumConcernsView(ManageForumMixin, TemplateView):
    """Counts of a forum's concerns for its organizers: no contacts, no text."""

    permission_required = "feedback.view_concern_statistics"
    active_tab = "concerns"
    template_name = "feedback/manage/forum_concerns.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(figures=selectors.forum_concern_statistics(forum=self.forum), **kwargs)


class ForumConcernRecordView(ManageForumMixin, TemplateView):
    """Record concerns raised aloud at a forum, one after another; session and category stay selected."""

    permission_required = RECORD
    active_tab = "record_concerns"
    template_name = "feedback/manage/record.html"

    def get_context_data(self, **kwargs):
        recorded = Concern.objects.filter(forum=self.forum, channel=Concern.Channel.FORUM).count()
        return super().get_context_data(recorded=recorded, **kwargs)

    def get(self, request, slug):
        form = forms.RecordConcernForm(forum=self.forum, initial=request.GET.dict())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, slug):
        form = forms.RecordConcernForm(request.POST, forum=self.forum, initial=request.GET.dict())
        if form.is_valid():
            try:
                concern = form.save(recorded_by=request.user, language=_language())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Recorded as %(code)s. Enter the next one.") % {"code": concern.display_code}
                )
                keep = {name: request.POST.get(name, "") for name in ("session", "category", "province")}
                return redirect(f"{request.path}?{urlencode(keep)}")
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Erasure ---------------------------------------------------------------------------------------------


class ConcernContactEraseView(PermissionRequiredMixin, View):
    """Ask for the reason, then erase the contact (and the text, under the retention rule)."""

    permission_required = ("feedback.review_concerns", "feedback.view_concern_contact")
    template_name = "feedback/manage/concern_erase.html"

    def get(self, request, code):
        return self._render(_concern_or_404(request, code), forms.ContactEraseForm())

    def post(self, request, code):
        concern = _concern_or_404(request, code)
        form = forms.ContactEraseForm(request.POST)
        if not form.is_valid():
            return self._render(concern, form, status=400)
        concern_contact_erase(concern=concern, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The contact details of %(code)s were erased.") % {"code": concern.display_code})
        return redirect(concern)

    def _render(self, concern, form, status=200):
        context = {"concern": concern, "form": form, "text_kept": concern_text_keepable(concern)}
        return render(self.request, self.template_name, context, status=status)


# Concerns received by hotline, on paper, by letter or in person -----------------------------------------


class ConcernIntakeView(PermissionRequiredMixin, View):
    """Record a concern received by the hotline (1286), on paper, by letter or in person."""

    permission_required = "feedback.review_concerns"
    template_name = "feedback/manage/intake.html"

    def get(self, request):
        form = forms.ConcernIntakeForm(initial={"received_on": timezone.localdate(), "language": "km"})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = forms.ConcernIntakeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                concern = form.save(recorded_by=request.user)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                return redirect("feedback:concern_intake_done", code=concern.tracking_code)
        return render(request, self.template_name, {"form": form}, status=400)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ConcernIntakeDoneView(PermissionRequiredMixin, View):
    """The tracking code to read out on the phone or write on the paper form, and the promised dates."""

    permission_required = "feedback.review_concerns"

    def get(self, request, code):
        concern = selectors.concern_recorded_by(user=request.user, code=code)
        if concern is None:
            raise Http404
        return render(request, "feedback/manage/intake_done.html", {"concern": concern})


class ConcernAttachmentFileView(PermissionRequiredMixin, View):
    """Serve one of a concern's scans to NSSF staff only, with the audit entry written first."""

    permission_required = ("feedback.review_concerns", "feedback.view_concern_contact")

    def get(self, request, code, pk):
        concern = _concern_or_404(request, code)
        scan = get_object_or_404(concern.attachments.all(), pk=pk)
        services.concern_personal_data_viewed(concern=concern, actor=request.user, attachment=True)
        with scan.file.open("rb") as stored:
            response = HttpResponse(stored.read(), content_type=scan.content_type)
        response["Content-Disposition"] = "inline" if scan.content_type.startswith("image/") else "attachment"
        return response
