"""Commitments: the public list and page (with the follow form) and the staff pages that manage them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView

from feedback import commitment_forms as forms
from feedback import commitment_selectors as selectors
from feedback import commitment_services as services
from feedback.models import Commitment, CommitmentMilestone
from forum_portal.ratelimit import ratelimit

VIEW = "feedback.view_commitment"
MANAGE = "feedback.manage_commitments"


def _language() -> str:
    return "en" if get_language() == "en" else "km"


# Public -------------------------------------------------------------------------------------------------


def commitment_list(request):
    """Every commitment, filtered by series, forum, status, category and province."""
    form = forms.CommitmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    commitments = selectors.commitments_filtered(filters=filters)
    return render(
        request,
        "feedback/commitments/list.html",
        {
            "form": form,
            "commitments": commitments,
            "figures": selectors.commitments_figures(
                commitments=Commitment.objects.filter(pk__in=commitments.values("pk"))
            ),
        },
    )


def _public_context(commitment, follow_form):
    return {
        "commitment": commitment,
        "reach": selectors.commitment_reach(commitment=commitment),
        "follow_form": follow_form,
    }


@require_http_methods(["GET", "POST"])
@ratelimit(scope="commitment-follow", limit=settings.FEEDBACK_SUBMIT_RATE[0], period=settings.FEEDBACK_SUBMIT_RATE[1])
def commitment_detail(request, key):
    """One commitment: progress, milestones, timeline, reach in figures; anyone may ask to follow it."""
    commitment = selectors.commitment_by_key(key=key)
    if commitment is None:
        raise Http404
    form = forms.FollowForm(request.POST or None, commitment=commitment, initial={"language": _language()})
    if request.method == "POST":
        if form.is_valid() and form.save() is not None:
            messages.success(request, _("Thank you. You will get a message when this commitment changes."))
            return redirect(commitment)
        return render(request, "feedback/commitments/detail.html", _public_context(commitment, form), status=400)
    return render(request, "feedback/commitments/detail.html", _public_context(commitment, form))


# Staff --------------------------------------------------------------------------------------------------


class CommitmentManageListView(PermissionRequiredMixin, ListView):
    permission_required = VIEW
    template_name = "feedback/commitments/manage_list.html"
    context_object_name = "commitments"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = forms.CommitmentFilterForm(self.request.GET or None, public=False)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.commitments_filtered(filters=filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class CommitmentCreateView(PermissionRequiredMixin, View):
    permission_required = MANAGE
    template_name = "feedback/commitments/manage_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.CommitmentForm(actor=request.user)})

    def post(self, request):
        form = forms.CommitmentForm(request.POST, actor=request.user)
        commitment = form.save() if form.is_valid() else None
        if commitment is None:
            return render(request, self.template_name, {"form": form}, status=400)
        messages.success(request, _("The commitment was recorded."))
        return redirect(commitment.get_manage_url())


class CommitmentEditView(PermissionRequiredMixin, View):
    permission_required = MANAGE
    template_name = "feedback/commitments/manage_form.html"

    def get(self, request, pk):
        commitment = get_object_or_404(Commitment, pk=pk)
        form = forms.CommitmentForm(instance=commitment, actor=request.user)
        return render(request, self.template_name, {"form": form, "commitment": commitment})

    def post(self, request, pk):
        commitment = get_object_or_404(Commitment, pk=pk)
        form = forms.CommitmentForm(request.POST, instance=commitment, actor=request.user)
        if not form.is_valid() or form.save() is None:
            return render(request, self.template_name, {"form": form, "commitment": commitment}, status=400)
        messages.success(request, _("The commitment was saved."))
        return redirect(commitment.get_manage_url())


# The forms on a commitment's staff page: form class, success message.
ACTIONS = {
    "update": forms.CommitmentUpdateForm,
    "milestone": forms.MilestoneForm,
    "link": forms.LinkConcernsForm,
}
SUCCESS = {
    "update": gettext_lazy("The update was saved."),
    "milestone": gettext_lazy("The milestone was added."),
    "link": gettext_lazy("The concerns were linked."),
}


class CommitmentManageView(PermissionRequiredMixin, View):
    """The staff page of a commitment: everything about it; managers also get the forms that change it."""

    permission_required = VIEW
    template_name = "feedback/commitments/manage_detail.html"

    def get(self, request, pk):
        commitment = self._commitment(pk)
        return render(request, self.template_name, self._context(commitment))

    def _commitment(self, pk):
        commitment = selectors.commitment_by_key(key=str(pk))
        if commitment is None:
            raise Http404
        return commitment

    def _context(self, commitment, bound=None):
        action_forms = {
            name: form_class(commitment=commitment, actor=self.request.user, prefix=name)
            for name, form_class in ACTIONS.items()
        }
        if bound:
            action_forms[bound[0]] = bound[1]
        return {
            "commitment": commitment,
            "forms": action_forms,
            "reached_form": forms.MilestoneReachedForm(prefix="reached"),
            "concerns": selectors.commitment_linked_concerns(commitment=commitment),
            "reach": selectors.commitment_reach(commitment=commitment),
        }


class CommitmentActionView(CommitmentManageView):
    """Apply one form of the commitment's page (POST only); errors show next to the fields, nothing saved."""

    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request, pk, action):
        commitment = self._commitment(pk)
        form = ACTIONS[action](request.POST, commitment=commitment, actor=request.user, prefix=action)
        result = form.save() if form.is_valid() else None
        if not form.errors:
            messages.success(request, SUCCESS[action] if result is not None else _("Nothing changed."))
            return redirect(commitment.get_manage_url())
        return render(request, self.template_name, self._context(commitment, (action, form)), status=400)


class MilestoneReachedView(PermissionRequiredMixin, View):
    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request, pk):
        milestone = get_object_or_404(CommitmentMilestone.objects.select_related("commitment"), pk=pk)
        form = forms.MilestoneReachedForm(request.POST, prefix="reached")
        if form.is_valid():
            result = forms._apply(
                form,
                lambda: services.commitment_milestone_reach(
                    milestone=milestone, actor=request.user, reached_on=form.cleaned_data["reached_on"]
                ),
            )
            if result is not None:
                messages.success(request, _("The milestone is marked reached; its followers will hear of it."))
                return redirect(milestone.commitment.get_manage_url())
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(milestone.commitment.get_manage_url())


class CommitmentCsvView(PermissionRequiredMixin, View):
    """Upload status and progress for many commitments; a per-row report; any invalid row changes nothing."""

    permission_required = MANAGE
    template_name = "feedback/commitments/manage_csv.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.CommitmentCsvForm()})

    def post(self, request):
        form = forms.CommitmentCsvForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        report = services.commitments_csv_apply(data=form.cleaned_data["file"].read(), actor=request.user)
        if report.applied:
            messages.success(request, _("The file was applied: every row is saved."))
        status = 200 if report.applied else 400
        return render(request, self.template_name, {"form": forms.CommitmentCsvForm(), "report": report}, status=status)
