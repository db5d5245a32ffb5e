from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Forum, ForumSeries, Province
from feedback.models import Concern


class DeskFilterForm(forms.Form):
    """The concern desk dashboard's filters: series, forum, province, category and when concerns were received."""

    series = forms.ModelChoiceField(label=_("Series"), queryset=ForumSeries.objects.all(), required=False)
    forum = forms.ModelChoiceField(label=_("Forum"), queryset=Forum.objects.order_by("-starts_at"), required=False)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.all(), required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------"), *Concern.Category.choices], required=False
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date must not be before the start date."))
        return cleaned

    def filters(self) -> dict:
        """Return the valid filters (an invalid form filters nothing, and shows its errors)."""
        return self.cleaned_data if self.is_valid() else {}
