from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, LayoutObject, Row
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from events import people
from events.models import District, Forum, Province
from forum_portal.khmer import KhmerDigitsFormMixin, digits_ascii, khmer_order, name_clean
from forum_portal.phones import phone_display, phone_normalise
from participants import messages, services
from participants.models import EvaluationQuestion, EvaluationResponse, Registration, ReminderSettings, SeatTarget

PUBLIC_CHANNELS = [
    (Registration.Channel.SMS, Registration.Channel.SMS.label),
    (Registration.Channel.EMAIL, Registration.Channel.EMAIL.label),
]


def _channel_choices(instance) -> list:
    """Offer SMS and email, and Telegram when the portal has a bot (or the person already uses it).

    Telegram is only offered where it can work: the confirmation page then shows the step that links the
    chat, and until it is linked messages go by SMS.
    """
    if settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME:
        return Registration.Channel.choices
    if instance is not None and instance.reminder_channel == Registration.Channel.TELEGRAM:
        return Registration.Channel.choices
    return PUBLIC_CHANNELS


class _GroupedDistricts(BaseChoiceIterator):
    """Lazy choices: the districts are read when the widget renders, not when the form is defined."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for district in self.field.queryset:
            groups.setdefault(district.province.name, []).append((district.pk, district.name))
        yield from groups.items()


class DistrictChoiceField(forms.ModelChoiceField):
    """Districts grouped by province, so the list is usable without JavaScript."""

    def __init__(self, **kwargs):
        # In the order people read them: Khmer names in Khmer collation on Khmer pages.
        if (get_language() or "")[:2] == "km":
            order = (khmer_order("province__name_km"), khmer_order("name_km"), "pk")
        else:
            order = ("province__name_en", "name_en", "pk")
        queryset = District.objects.select_related("province").order_by(*order)
        super().__init__(queryset=queryset, **kwargs)

    def _get_choices(self):
        return _GroupedDistricts(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class _RegistrationFieldsMixin:
    """Validation shared by the public form, the walk-in form and the organizers' edit form."""

    def _setup(self):
        self.fields["province"].queryset = Province.objects.by_name()
        self.fields["province"].label_from_instance = lambda obj: obj.name
        self.fields["phone"].help_text = _("For example 012 345 678 or +855 12 345 678.")
        self.fields["email"].help_text = _("Optional, unless you want your reminders by email.")
        self.fields["nssf_number"].help_text = _("If you have it; it is on your NSSF card.")
        self.fields["reminder_channel"].choices = _channel_choices(getattr(self, "instance", None))
        # The shared fields are optional on the model (a concern may say nothing); a registration needs them.
        for name in ("gender", "age_group", "role", "sector", "phone"):
            self.fields[name].required = True
        # A radio list needs no blank "select an option" entry: nothing is chosen until the person chooses.
        self.fields["gender"].choices = people.Gender.choices
        for name in people.DIFFICULTY_FIELDS:
            self.fields[name].label = people.DIFFICULTY_QUESTIONS[name]
        self._show_phone_locally()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _show_phone_locally(self):
        """Show a stored +855 number the way people write it (012 345 678); it is parsed back on save."""
        instance = getattr(self, "instance", None)
        if instance is not None and instance.phone and not self.is_bound:
            self.initial["phone"] = phone_display(instance.phone)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        # Blank reaches here only where a phone is optional (a walk-in): it stays blank.
        return phone_normalise(phone) if phone or self.fields["phone"].required else ""

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_full_name(self):
        # Stored normalised, so the same name typed on two keyboards is one name to search and compare.
        return name_clean(self.cleaned_data.get("full_name") or "")

    def clean_nssf_number(self):
        return digits_ascii("".join((self.cleaned_data.get("nssf_number") or "").split())).upper()

    def clean(self):
        cleaned = super().clean()
        province, district = cleaned.get("province"), cleaned.get("district")
        if province and district and district.province_id != province.pk:
            self.add_error("district", _("This district is not in the province you chose."))
        if cleaned.get("reminder_channel") == Registration.Channel.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("Enter an email address to get reminders by email, or choose SMS."))
        if not cleaned.get("nssf_member"):
            cleaned["nssf_number"] = ""
        return cleaned


# The form asks for exactly what the registration service stores.
FORM_FIELDS = list(services.REGISTRATION_FIELDS)


class RegistrationForm(_RegistrationFieldsMixin, forms.ModelForm):
    """The public registration form; `save()` registers through the service (seat or waiting list)."""

    district = DistrictChoiceField(label=_("District"), required=False)
    support_needs = forms.MultipleChoiceField(
        label=_("Support you need to take part"),
        choices=Registration.SupportNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I agree that my details are stored as the privacy notice above explains."),
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to register.")},
    )

    class Meta:
        model = Registration
        fields = FORM_FIELDS
        widgets = {
            "gender": forms.RadioSelect,
            **dict.fromkeys(people.DIFFICULTY_FIELDS, forms.RadioSelect),
            "preferred_language": forms.RadioSelect,
            "reminder_channel": forms.RadioSelect,
        }
        labels = {
            "nssf_member": _("I am a member of the NSSF"),
            "phone": _("Mobile phone"),
            "email": _("Email (optional)"),
            "preferred_language": _("Language for messages"),
            "reminder_channel": _("Send my reminders by"),
        }

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self._setup()
        for name in people.DIFFICULTY_FIELDS:
            self.fields[name].required = True
            self.fields[name].choices = people.Difficulty.choices
        self.helper.layout = Layout(
            Fieldset(_("About you"), "full_name", "gender", "age_group"),
            Fieldset(
                _("Everyday activities"),
                HTML('{% include "includes/_difficulty_intro.html" %}'),
                *people.DIFFICULTY_FIELDS,
            ),
            Fieldset(_("Your work"), "role", "sector", "organisation"),
            Fieldset(_("Where you live"), "province", "district"),
            Fieldset(_("How to reach you"), "phone", "email", "preferred_language", "reminder_channel"),
            Fieldset(_("National Social Security Fund"), "nssf_member", "nssf_number"),
            Fieldset(_("Support"), "support_needs"),
            Fieldset(_("Privacy"), HTML('{% include "participants/_privacy_notice.html" %}'), "consent"),
        )

    def registration_data(self) -> dict:
        """Return the cleaned fields as the registration service takes them."""
        data = {name: self.cleaned_data.get(name) for name in FORM_FIELDS}
        data["support_needs"] = list(self.cleaned_data.get("support_needs") or [])
        data["district"] = self.cleaned_data.get("district")
        return data

    def save(self, commit=True, *, walk_in: bool = False, by=None) -> Registration:
        """Register through the service; raises the service's errors (closed, duplicate)."""
        # is_valid() ran the model's validation on these fields already; the service need not run it again.
        return services.registration_create(
            forum=self.forum, data=self.registration_data(), walk_in=walk_in, by=by, validated=True
        )


class _Folded(LayoutObject):
    """A <details> part of a form, unfolded when the form says so (`form.more_open`); it works without JavaScript."""

    def __init__(self, summary, *fields):
        self.summary = summary
        self.fields = list(fields)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        inner = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return format_html(
            '<details class="mb-3 border rounded p-3"{}><summary class="fw-bold">{}</summary>{}</details>',
            " open" if getattr(form, "more_open", False) else "",
            self.summary,
            inner,
        )


# At the door: who the person is, and how to reach them if they have a phone; the rest can wait.
WALK_IN_ESSENTIALS = ("full_name", "gender", "phone", "role")
# Asked later if there is time; a blank answer is stored as below, never guessed as a real one.
WALK_IN_LATER_DEFAULTS = {
    "age_group": people.AgeGroup.UNDISCLOSED,
    "sector": people.Sector.OTHER,
    "preferred_language": Registration.Language.KHMER,
    "reminder_channel": Registration.Channel.SMS,
}


class WalkInForm(RegistrationForm):
    """A person registered by an organizer at the door: name, gender, phone (optional) and role; the rest later.

    The other questions sit in a folded "more details" part; left blank, the age group is "prefer not to say",
    the sector "other" and the province the forum's host province, and the registration can be completed later.
    """

    shared_phone_note = forms.CharField(
        label=_("Shared phone"),
        max_length=200,
        required=False,
        help_text=_(
            "If this phone is already registered for someone else (two people sharing one phone), say whose it is."
        ),
    )

    def __init__(self, *args, more_open: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _("The person heard the privacy notice and agreed to it.")
        self.fields["phone"].required = False
        self.fields["phone"].label = _("Mobile phone (optional)")
        # At the door the questions may go unasked: a blank answer is stored as "not asked", never guessed.
        later = [name for name in self.fields if name not in (*WALK_IN_ESSENTIALS, "consent")]
        for name in later:
            self.fields[name].required = False
        self._more_open, self._later = more_open, later
        self.helper.layout = Layout(
            Fieldset(_("At the door"), *WALK_IN_ESSENTIALS),
            Fieldset(_("Privacy"), HTML('{% include "participants/_privacy_notice.html" %}'), "consent"),
            _Folded(
                _("More details (optional, can be completed later)"),
                Fieldset(_("About the person"), "age_group", "organisation", "sector"),
                Fieldset(_("Where they live"), "province", "district"),
                Fieldset(
                    _("How to reach them"), "email", "preferred_language", "reminder_channel", "shared_phone_note"
                ),
                Fieldset(
                    _("Everyday activities"),
                    HTML('{% include "includes/_difficulty_intro.html" %}'),
                    *people.DIFFICULTY_FIELDS,
                ),
                Fieldset(_("National Social Security Fund"), "nssf_member", "nssf_number"),
                Fieldset(_("Support"), "support_needs"),
            ),
        )

    @property
    def more_open(self) -> bool:
        """Return whether "more details" shows unfolded: asked to, or one of its answers needs correcting."""
        return self._more_open or (self.is_bound and any(name in self.errors for name in self._later))

    def clean(self):
        cleaned = super().clean()
        for name, default in WALK_IN_LATER_DEFAULTS.items():
            cleaned[name] = cleaned.get(name) or default
        cleaned["province"] = cleaned.get("province") or self.forum.host_province
        cleaned["phone"] = cleaned.get("phone") or ""
        return cleaned

    def save(self, commit=True, *, walk_in: bool = True, by=None) -> Registration:
        """Register and check in through the service; a shared-phone note lets the phone be registered twice."""
        return services.registration_create(
            forum=self.forum,
            data=self.registration_data(),
            walk_in=True,
            by=by,
            shared_phone_note=self.cleaned_data.get("shared_phone_note", ""),
        )


class RegistrationEditForm(_RegistrationFieldsMixin, forms.ModelForm):
    """The organizers' form to correct a registration."""

    district = DistrictChoiceField(label=_("District"), required=False)
    support_needs = forms.MultipleChoiceField(
        label=_("Support needs"),
        choices=Registration.SupportNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Registration
        fields = FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup()
        # A walk-in may have come without a phone; everyone else registered with one and keeps one.
        self.fields["phone"].required = not self.instance.is_walk_in

    def _post_clean(self):
        # The service validates the model under the forum lock; here only the fields are checked.
        return

    def save(self, commit=True) -> Registration:
        data = {name: self.cleaned_data.get(name) for name in FORM_FIELDS}
        data["support_needs"] = list(self.cleaned_data.get("support_needs") or [])
        return services.registration_update(registration=self.instance, data=data)


class ContactForm(_RegistrationFieldsMixin, forms.ModelForm):
    """What a participant may change through the self-service link: how to reach them."""

    class Meta:
        model = Registration
        fields = ["phone", "email", "preferred_language", "reminder_channel"]
        widgets = {"preferred_language": forms.RadioSelect, "reminder_channel": forms.RadioSelect}
        labels = {
            "phone": _("Mobile phone"),
            "email": _("Email (optional)"),
            "preferred_language": _("Language for messages"),
            "reminder_channel": _("Send my reminders by"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["phone"].help_text = _("For example 012 345 678 or +855 12 345 678.")
        self.fields["phone"].required = True
        self.fields["reminder_channel"].choices = _channel_choices(self.instance)
        self._show_phone_locally()

    def _post_clean(self):
        # As above: the service validates the registration under the forum lock.
        return

    def save(self, commit=True) -> Registration:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return services.registration_update(registration=self.instance, data=data)


class FilterForm(forms.Form):
    """The organizers' filters on the participant list (GET; an invalid value is ignored)."""

    q = forms.CharField(label=_("Search by name, phone or code"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Registration.Status.choices], required=False
    )
    checked_in = forms.ChoiceField(
        label=_("Checked in"),
        choices=[("", _("Either")), ("yes", _("Checked in")), ("no", _("Not checked in"))],
        required=False,
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *people.Role.choices], required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("Any gender")), *people.Gender.choices], required=False
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.order_by("name_en"),
        required=False,
        empty_label=_("Any province"),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Any sector")), *people.Sector.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.by_name()
        self.fields["province"].label_from_instance = lambda obj: obj.name
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def filters(self) -> dict:
        """Return the valid filters only: a tampered URL narrows nothing instead of failing."""
        if not self.is_bound:
            return {}
        if self.is_valid():
            return {key: value for key, value in self.cleaned_data.items() if value}
        return {key: value for key, value in self.cleaned_data.items() if value and key not in self.errors}


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Reference code"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "characters"})
        self.helper = FormHelper()
        self.helper.form_tag = False


def _target_choices():
    return [
        (_("Gender"), [(f"gender:{value}", label) for value, label in people.Gender.choices]),
        (_("Role"), [(f"role:{value}", label) for value, label in people.Role.choices]),
        (_("Province"), [(f"province:{p.code}", p.name) for p in Province.objects.by_name()]),
    ]


class SeatTargetForm(KhmerDigitsFormMixin, forms.Form):
    group = forms.ChoiceField(label=_("Who"))
    minimum = forms.IntegerField(label=_("At least"), min_value=1, max_value=100_000)
    unit = forms.ChoiceField(label=_("Unit"), choices=SeatTarget.Unit.choices)

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.fields["group"].choices = _target_choices()  # read the provinces once, not on every iteration
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit") == SeatTarget.Unit.PERCENT and (cleaned.get("minimum") or 0) > 100:
            self.add_error("minimum", _("A share cannot be more than 100 percent."))
        return cleaned

    def save(self) -> SeatTarget:
        dimension, value = self.cleaned_data["group"].split(":", 1)
        try:
            return services.seat_target_save(
                forum=self.forum,
                dimension=dimension,
                value=value,
                minimum=self.cleaned_data["minimum"],
                unit=self.cleaned_data["unit"],
            )
        except ValidationError as error:
            self.add_error(None, error)
            raise


# Messages to participants -------------------------------------------------------------------------

# An SMS in Khmer holds 70 characters; a few parts are fine, a letter is not.
ANNOUNCEMENT_MAX_LENGTH = 480
MAX_REMINDERS = 5
MAX_DAYS_BEFORE = 60


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150, help_text=_("Used as the subject line of emails."))
    text_km = forms.CharField(
        label=_("Message in Khmer"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "km"}),
    )
    text_en = forms.CharField(
        label=_("Message in English"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=_("Each participant receives the text in their language; if one is empty, the other is used."),
    )

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text_km", "").strip() or cleaned.get("text_en", "").strip()):
            raise forms.ValidationError(_("Write the message in Khmer, in English, or both."))
        return cleaned

    def preview(self) -> dict:
        """Return who would receive the announcement and what it would cost (see messages.announcement_preview)."""
        return messages.announcement_preview(
            forum=self.forum, text_km=self.cleaned_data["text_km"], text_en=self.cleaned_data["text_en"]
        )

    def test_send(self, *, user) -> int:
        """Send the announcement to the organizer's own email, once per language written; return how many."""
        return messages.announcement_test_send(
            forum=self.forum,
            subject=self.cleaned_data["subject"],
            text_km=self.cleaned_data["text_km"],
            text_en=self.cleaned_data["text_en"],
            user=user,
        )

    def save(self) -> int:
        """Queue the announcement to every confirmed participant; return how many."""
        return messages.announcement_send(
            forum=self.forum,
            subject=self.cleaned_data["subject"],
            text_km=self.cleaned_data["text_km"],
            text_en=self.cleaned_data["text_en"],
        )


class ReminderSettingsForm(forms.Form):
    reminder_offsets_days = forms.CharField(
        label=_("Reminders, in days before the forum"),
        max_length=40,
        required=False,
        help_text=_("Whole numbers separated by commas, for example “7, 1”. Leave empty for no reminders."),
    )
    reminder_hour = forms.TypedChoiceField(
        label=_("Send reminders at"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(6, 21)],
        help_text=_("Phnom Penh time."),
    )

    def __init__(self, *args, forum, **kwargs):
        self.forum = forum
        current: ReminderSettings = messages.reminder_settings(forum=forum)
        kwargs["initial"] = {
            "reminder_offsets_days": ", ".join(str(d) for d in current.reminder_offsets_days),
            "reminder_hour": current.reminder_hour,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reminder_offsets_days(self) -> list[int]:
        raw = digits_ascii(self.cleaned_data["reminder_offsets_days"])
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Use whole numbers of days separated by commas, for example “7, 1”."))
        days = sorted({int(part) for part in parts}, reverse=True)
        if any(day > MAX_DAYS_BEFORE for day in days):
            raise forms.ValidationError(
                _("A reminder can be at most %(days)s days before the forum.") % {"days": MAX_DAYS_BEFORE}
            )
        if len(days) > MAX_REMINDERS:
            raise forms.ValidationError(_("Choose at most %(count)s reminders.") % {"count": MAX_REMINDERS})
        return days

    def save(self) -> ReminderSettings:
        return messages.reminder_settings_save(
            forum=self.forum,
            reminder_offsets_days=self.cleaned_data["reminder_offsets_days"],
            reminder_hour=self.cleaned_data["reminder_hour"],
        )


# Erasure -----------------------------------------------------------------------------------------------


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: my registration is cancelled and my details are deleted. This cannot be undone."),
        required=True,
    )


class RegistrationEraseForm(forms.Form):
    """An organizer erases a person's details on their request (after the forum their own link has expired)."""

    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[
            ("person_request", _("The person asked for their details to be deleted")),
            ("consent_withdrawn", _("The person withdrew their consent")),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label=_("The registration is cancelled and the person's details are deleted. This cannot be undone."),
        required=True,
    )


# Certificates and evaluation ------------------------------------------------------------------------

QUESTION_FIELDS = ("kind", "text_km", "text_en", "options_km", "options_en", "is_knowledge")


class EvaluationDefinitionForm(forms.Form):
    """Up to ten closed questions, each in Khmer and English side by side, and one optional open question.

    Works without JavaScript: ten numbered slots, and a slot left without text is not a question.
    """

    open_question_km = forms.CharField(label=_("Open question in Khmer"), max_length=300, required=False)
    open_question_en = forms.CharField(label=_("Open question in English"), max_length=300, required=False)

    def __init__(self, *args, forum: Forum, **kwargs):
        self.forum = forum
        evaluation = getattr(forum, "evaluation", None)
        questions = list(evaluation.questions.all()) if evaluation else []
        if evaluation is not None:
            kwargs["initial"] = {
                **kwargs.get("initial", {}),
                "open_question_km": evaluation.open_question_km,
                "open_question_en": evaluation.open_question_en,
                **{
                    f"q{n}_{name}": getattr(question, name)
                    for n, question in enumerate(questions, 1)
                    for name in QUESTION_FIELDS
                },
            }
        super().__init__(*args, **kwargs)
        slots = []
        for n in range(1, EvaluationQuestion.MAX_SLOTS + 1):
            self.fields[f"q{n}_kind"] = forms.ChoiceField(
                label=_("Kind"), choices=EvaluationQuestion.Kind.choices, initial=EvaluationQuestion.Kind.RATING
            )
            self.fields[f"q{n}_text_km"] = forms.CharField(label=_("Question in Khmer"), max_length=300, required=False)
            self.fields[f"q{n}_text_en"] = forms.CharField(
                label=_("Question in English"), max_length=300, required=False
            )
            self.fields[f"q{n}_options_km"] = forms.CharField(
                label=_("Options in Khmer, one a line"), widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
            self.fields[f"q{n}_options_en"] = forms.CharField(
                label=_("Options in English, one a line"), widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
            self.fields[f"q{n}_is_knowledge"] = forms.BooleanField(
                label=_("Knowledge question: also ask it before the forum"), required=False
            )
            slots.append(
                Fieldset(
                    _("Question %(number)d") % {"number": n},
                    f"q{n}_kind",
                    Row(Column(f"q{n}_text_km", css_class="col-md-6"), Column(f"q{n}_text_en", css_class="col-md-6")),
                    Row(
                        Column(f"q{n}_options_km", css_class="col-md-6"),
                        Column(f"q{n}_options_en", css_class="col-md-6"),
                    ),
                    f"q{n}_is_knowledge",
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *slots,
            Fieldset(
                _("Open question (optional)"),
                Row(Column("open_question_km", css_class="col-md-6"), Column("open_question_en", css_class="col-md-6")),
            ),
        )

    def clean(self):
        cleaned = super().clean()
        self.questions = []
        for n in range(1, EvaluationQuestion.MAX_SLOTS + 1):
            data = {name: cleaned.get(f"q{n}_{name}") for name in QUESTION_FIELDS}
            if not data["text_km"] and not data["text_en"]:
                continue
            if not data["text_km"] or not data["text_en"]:
                self.add_error(f"q{n}_text_en", _("Write the question in both Khmer and English."))
            data["is_knowledge"] = bool(data["is_knowledge"])
            self.questions.append(data)
        if bool(cleaned.get("open_question_km")) != bool(cleaned.get("open_question_en")):
            self.add_error("open_question_en", _("Write the open question in both Khmer and English."))
        return cleaned

    def save(self):
        return services.evaluation_save(
            forum=self.forum,
            open_question_km=self.cleaned_data["open_question_km"],
            open_question_en=self.cleaned_data["open_question_en"],
            questions=self.questions,
        )


class EvaluationAnswerForm(forms.Form):
    """One person's answers, in their language: every closed question asked at this moment, and the open one."""

    def __init__(self, *args, registration: Registration, moment: str, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        self.moment = moment
        evaluation = registration.forum.evaluation
        questions = evaluation.questions.all()
        if moment == EvaluationResponse.Moment.BEFORE:
            questions = questions.filter(is_knowledge=True)
        self.questions = list(questions)
        for question in self.questions:
            if question.kind == EvaluationQuestion.Kind.RATING:
                choices = [(value, str(value)) for value in range(1, 6)]
            elif question.kind == EvaluationQuestion.Kind.YES_NO:
                choices = [(1, pgettext_lazy("answer", "Yes")), (0, pgettext_lazy("answer", "No"))]
            else:
                choices = list(enumerate(question.options(language), 1))
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text(language), choices=choices, coerce=int, widget=forms.RadioSelect
            )
        open_question = evaluation.open_question_km if language == "km" else evaluation.open_question_en
        if moment == EvaluationResponse.Moment.AFTER and open_question:
            self.fields["open_answer"] = forms.CharField(
                label=open_question, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def save(self) -> EvaluationResponse:
        return services.evaluation_answer(
            registration=self.registration,
            moment=self.moment,
            answers={question.pk: self.cleaned_data[f"q{question.pk}"] for question in self.questions},
            open_answer=self.cleaned_data.get("open_answer", ""),
        )
