from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from accounts.forms import LanguageForm


class LanguageView(LoginRequiredMixin, FormView):
    """Let a staff member choose the language of the emails and digests the portal sends them."""

    form_class = LanguageForm
    template_name = "accounts/language.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Your emails will be sent in the language you chose."))
        return redirect("accounts:language")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
