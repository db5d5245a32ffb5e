from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import AgendaItem, Forum, Province

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ForumForm(forms.ModelForm):
    covered_provinces = forms.ModelMultipleChoiceField(
        label=_("Covered provinces"),
        queryset=Province.objects.order_by("name_en"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Provinces whose workers and leaders the forum invites."),
    )

    class Meta:
        model = Forum
        fields = [
            "series",
            "title",
            "slug",
            "kind",
            "host_province",
            "covered_provinces",
            "venue_name",
            "venue_address",
            "starts_at",
            "ends_at",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "description",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "registration_opens_at": DATETIME_WIDGET,
            "registration_closes_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": _("Used in the forum's web address. Leave empty to make one from the title.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The forum must end after it starts."))
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        if closes and ends and closes > ends:
            self.add_error("registration_closes_at", _("Registration must close before the forum ends."))
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["starts_at", "ends_at", "title", "session_kind", "speakers", "description"]
        widgets = {
            "starts_at": TIME_WIDGET,
            "ends_at": TIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned


AgendaItemFormSet = forms.inlineformset_factory(
    Forum, AgendaItem, form=AgendaItemForm, extra=3, can_delete=True, max_num=60, validate_max=True
)
