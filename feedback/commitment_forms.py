from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from events.models import Forum, ForumSeries, Province
from feedback import commitment_services as services
from feedback import selectors
from feedback.models import Commitment, CommitmentFollower, Concern
from forum_portal.phones import INVALID_PHONE, phone_normalise

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def _apply(form: forms.Form, call):
    """Call a service; put its ValidationError next to the fields it names. Return its result or None."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            form.add_error(None, error)
    return None


def _latin_example(text, example: str):
    """Help text followed by something typed in Latin letters (a slug, CSV column names), marked as such for
    screen readers and the Khmer-page check; crispy renders help texts as HTML."""
    return format_lazy('{} <code lang="en">{}</code>', text, example)


class CommitmentForm(forms.ModelForm):
    """What a commitment is, who answers for it, where it was made; status changes go through updates."""

    categories = forms.MultipleChoiceField(
        label=_("Concern categories it answers"),
        choices=Concern.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commitment
        fields = [
            "title_km",
            "title_en",
            "description_km",
            "description_en",
            "institution",
            "institution_name_km",
            "institution_name_en",
            "forums",
            "responsible_unit_km",
            "responsible_unit_en",
            "responsible_staff",
            "due_date",
            "provinces",
            "slug",
        ]
        labels = {
            "title_km": _("Title in Khmer"),
            "title_en": _("Title in English"),
            "description_km": _("Description in Khmer"),
            "description_en": _("Description in English"),
            "institution_name_km": _("Name of the institution in Khmer"),
            "institution_name_en": _("Name of the institution in English"),
            "responsible_unit_km": _("Responsible unit in Khmer"),
            "responsible_unit_en": _("Responsible unit in English"),
        }
        help_texts = {
            "slug": _latin_example(_("Optional: letters, numbers and hyphens, for example"), "maternity-payments-2027")
        }
        widgets = {
            "description_km": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "due_date": DATE_WIDGET,
            "forums": forms.SelectMultiple(attrs={"size": 6}),
            "provinces": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["forums"].queryset = Forum.objects.order_by("-starts_at")
        self.fields["provinces"].queryset = Province.objects.by_name()
        self.fields["responsible_staff"].queryset = selectors.staff_members()
        if self.instance.pk:
            self.initial["categories"] = list(self.instance.category_rows.values_list("category", flat=True))
        self.helper = _helper()

    def save(self, commit=True) -> Commitment | None:
        data = {name: self.cleaned_data.get(name) for name in services.DESCRIPTIVE_FIELDS}
        for name, value in data.items():
            if value is None and name not in ("responsible_staff", "due_date", "slug"):
                data[name] = ""
        relations = {
            "forums": self.cleaned_data.get("forums") or [],
            "provinces": self.cleaned_data.get("provinces") or [],
            "categories": self.cleaned_data.get("categories") or [],
        }
        if self.instance.pk:
            return _apply(
                self,
                lambda: services.commitment_edit(commitment=self.instance, actor=self.actor, **relations, **data),
            )
        return _apply(self, lambda: services.commitment_create(actor=self.actor, **relations, **data))


class CommitmentUpdateForm(forms.Form):
    """A new status, progress, or news for the public timeline."""

    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text_km = forms.CharField(
        label=_("Update for the public, in Khmer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    text_en = forms.CharField(
        label=_("Update for the public, in English"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dropped_reason_km = forms.CharField(
        label=_("If dropped: why, in Khmer"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    dropped_reason_en = forms.CharField(
        label=_("If dropped: why, in English"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, commitment: Commitment, actor, **kwargs):
        kwargs.setdefault("initial", {"status": commitment.status, "progress": commitment.progress})
        super().__init__(*args, **kwargs)
        self.commitment, self.actor = commitment, actor
        self.helper = _helper()

    def save(self):
        return _apply(
            self,
            lambda: services.commitment_update(commitment=self.commitment, actor=self.actor, **self.cleaned_data),
        )


class MilestoneForm(forms.Form):
    title_km = forms.CharField(label=_("Milestone in Khmer"), required=False, max_length=200)
    title_en = forms.CharField(label=_("Milestone in English"), required=False, max_length=200)
    due_date = forms.DateField(label=_("Planned for"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, commitment: Commitment, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment, self.actor = commitment, actor
        self.helper = _helper()

    def save(self):
        return _apply(
            self,
            lambda: services.commitment_milestone_add(
                commitment=self.commitment, actor=self.actor, **self.cleaned_data
            ),
        )


class MilestoneReachedForm(forms.Form):
    reached_on = forms.DateField(label=_("Reached on"), required=False, widget=DATE_WIDGET)


class LinkConcernsForm(forms.Form):
    codes = forms.CharField(
        label=_("Tracking codes of the concerns it answers"),
        help_text=_("One or more codes, separated by spaces, commas or new lines."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, commitment: Commitment, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment, self.actor = commitment, actor
        self.helper = _helper()

    def save(self):
        codes = self.cleaned_data["codes"].replace(",", " ").split()
        return _apply(
            self,
            lambda: services.commitment_concerns_link(commitment=self.commitment, codes=codes, actor=self.actor),
        )


class CommitmentCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=format_lazy(
            "{} {}",
            _latin_example(
                _("The file's columns, named as here:"),
                "commitment, status, progress, note_km, note_en, dropped_reason_km, dropped_reason_en",
            ),
            _latin_example(
                _("Status is one of these; progress is a number from 0 to 100:"), "planned, in_progress, done, dropped"
            ),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"


class CommitmentFilterForm(forms.Form):
    series = forms.ModelChoiceField(label=_("Series"), queryset=ForumSeries.objects.all(), required=False)
    forum = forms.ModelChoiceField(label=_("Forum"), queryset=Forum.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------"), *Commitment.Status.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------"), *Concern.Category.choices], required=False
    )
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.none(), required=False)

    def __init__(self, *args, public: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        forums = Forum.objects.order_by("-starts_at")
        self.fields["forum"].queryset = forums.filter(status__in=Forum.PUBLIC_STATUSES) if public else forums
        self.fields["province"].queryset = Province.objects.by_name()
        self.helper = _helper()
        self.helper.disable_csrf = True


class FollowForm(forms.Form):
    """Follow a commitment: a phone (SMS or Telegram) or an email, a language, and consent."""

    channel = forms.ChoiceField(
        label=_("Send me the news by"), choices=CommitmentFollower.Channel.choices, widget=forms.RadioSelect
    )
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=30)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("km", _("Khmer")), ("en", _("English"))], widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=_("I agree that NSSF keeps my number or email to send me news of this commitment, and nothing else")
    )
    # Robots fill every field; people never see this one.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, commitment: Commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper = _helper()

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Your request could not be accepted. Please try again."))
        return ""

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        return phone_normalise(raw, message=INVALID_PHONE) if raw else ""

    def clean(self):
        cleaned = super().clean()
        channel = cleaned.get("channel")
        if channel == CommitmentFollower.Channel.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("Give the email address to send the news to."))
        elif channel != CommitmentFollower.Channel.EMAIL and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give the phone number to send the news to."))
        return cleaned

    def save(self):
        data = {key: self.cleaned_data[key] for key in ("channel", "phone", "email", "language", "consent")}
        return _apply(self, lambda: services.commitment_follow(commitment=self.commitment, **data))
