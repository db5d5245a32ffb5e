"""NSSF staff erase a concern's contact details at the person's request, with a reason, audited."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from feedback.retention import ErasureReason, concern_contact_erase, concern_text_keepable
from feedback.views import _concern_or_404


class ContactEraseForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why"), choices=ErasureReason.CHOICES)


class ConcernContactEraseView(PermissionRequiredMixin, View):
    """Ask for the reason, then erase the contact (and the text, under the retention rule)."""

    permission_required = ("feedback.review_concerns", "feedback.view_concern_contact")
    template_name = "feedback/manage/concern_erase.html"

    def get(self, request, code):
        return self._render(_concern_or_404(request, code), ContactEraseForm())

    def post(self, request, code):
        concern = _concern_or_404(request, code)
        form = ContactEraseForm(request.POST)
        if not form.is_valid():
            return self._render(concern, form, status=400)
        concern_contact_erase(concern=concern, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The contact details of %(code)s were erased.") % {"code": concern.display_code})
        return redirect(concern)

    def _render(self, concern, form, status=200):
        context = {"concern": concern, "form": form, "text_kept": concern_text_keepable(concern)}
        return render(self.request, self.template_name, context, status=status)
