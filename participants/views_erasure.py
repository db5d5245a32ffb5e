"""The participant erases their own registration's personal data through the signed self-service link."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from participants.retention import registration_erase
from participants.views import _from_token

SELF_SERVICE_REASON = "self_service"


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: my registration is cancelled and my details are deleted. This cannot be undone."),
        required=True,
    )


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
