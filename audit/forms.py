from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Who"), queryset=get_user_model().objects.order_by("email"), required=False)
    action = forms.ChoiceField(
        label=_("What"), choices=[("", _("Any action")), *AuditEvent.Action.choices], required=False
    )
    object_type = forms.ChoiceField(
        label=_("Object type"), choices=[("", _("Any object")), *AuditEvent.ObjectType.choices], required=False
    )
    object_ref = forms.CharField(
        label=_("Object"),
        max_length=100,
        required=False,
        help_text=_("A forum's slug, a concern's code or a registration number."),
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        """Return the filters for audit_events; none when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
