from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from events import people
from events.models import AgendaItem, Forum, ForumSeries, Province
from feedback import selectors, services
from feedback.attachments import attachment_validate
from feedback.models import Appeal, Concern
from feedback.retention import ErasureReason
from forum_portal.khmer import KhmerDigitsFormMixin
from forum_portal.phones import INVALID_PHONE, phone_normalise

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# What a submitter may say about themselves, all optional: the shared vocabulary for describing people.
ABOUT_YOU = ("gender", "age_group", "sector", "role", *people.DIFFICULTY_FIELDS)


class Details(Fieldset):
    """A fieldset folded into <details>: closed until opened, without JavaScript; open when it holds an error."""

    template = "includes/_details_fieldset.html"

    def render(self, form, context, *args, **kwargs):
        names = [name for name in self.fields if isinstance(name, str)]
        context.update({"open": any(name in form.errors for name in names)})
        return super().render(form, context, *args, **kwargs)


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class ContactChoice(models.TextChoices):
    """The one choice a submitter makes about being known: it decides which contact fields apply."""

    ANONYMOUS = "anonymous", _("Stay anonymous: NSSF keeps no name or contact")
    CONTACT = "contact", _("NSSF may contact me about this concern")


CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


class ConcernForm(forms.ModelForm):
    """The public form: plain language, works without JavaScript, a honeypot against robots.

    Whether the submitter stays anonymous is one required choice; the contact fields apply only to "NSSF may
    contact me". Without JavaScript every field shows and the server says which applies; with it
    (static/js/feedback-concern.js) the contact fields show only when they apply.
    """

    contact_choice = forms.ChoiceField(
        label=_("Do you want NSSF to contact you?"),
        choices=ContactChoice.choices,
        initial=ContactChoice.ANONYMOUS,
        widget=forms.RadioSelect,
        help_text=_("Either way you get a tracking code to follow the answer."),
    )
    attachment = forms.FileField(
        label=_("Photo or document (optional)"),
        required=False,
        help_text=_("A photo (JPEG, PNG, WebP) or a PDF, at most 5 MB. Only NSSF staff can see it."),
    )
    # Robots fill every field; people never see this one (hidden, out of the tab order).
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = Concern
        fields = [
            "forum",
            "category",
            "description",
            "province",
            "gender",
            "age_group",
            "sector",
            "role",
            *people.DIFFICULTY_FIELDS,
            "sensitive",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        labels = {
            "forum": _("Forum (if you raise it about a forum)"),
            "category": _("What is your concern about?"),
            "description": _("Tell us what happened"),
            "province": _("Province where you live or work"),
            "gender": _("Gender (optional)"),
            "age_group": _("Age group (optional)"),
            "sector": _("Your sector of work (optional)"),
            "role": _("You are (optional)"),
            **people.DIFFICULTY_QUESTIONS,
            "sensitive": _("This is sensitive (for example harassment, abuse or retaliation by an employer)"),
            "contact_name": _("Your name (optional)"),
            "contact_phone": _("Phone number"),
            "contact_email": _("Email"),
        }
        help_texts = {
            "description": _("In Khmer or English, at least 10 and at most 4,000 characters."),
            "sensitive": _(
                "Only a few senior NSSF staff can read sensitive concerns, and they look at them within a day."
            ),
            "contact_email": _("A phone number, an email or both, so that NSSF can answer you."),
            "gender": _("Used only to count concerns by gender."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            **dict.fromkeys(people.DIFFICULTY_FIELDS, forms.RadioSelect),
        }

    def __init__(self, *args, forum: Forum | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = Forum.objects.filter(status__in=Forum.PUBLIC_STATUSES).order_by("-starts_at")
        self.fields["forum"].required = False
        self.fields["province"].required = True
        self.fields["province"].queryset = Province.objects.by_name()
        if forum is not None:
            self.initial["forum"] = forum.pk
            self.initial.setdefault("province", forum.host_province_id)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["attachment"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,application/pdf"
        for name in people.DIFFICULTY_FIELDS:
            # Radios without a blank entry: a question left alone is stored as "not asked".
            self.fields[name].choices = people.Difficulty.choices
        self.helper = _helper()
        self.helper.layout = Layout(
            "forum",
            "category",
            "description",
            "province",
            Details(
                _("About you (optional)"),
                HTML('{% include "feedback/_about_you_intro.html" %}'),
                *ABOUT_YOU[:4],
                HTML('{% include "includes/_difficulty_intro.html" %}'),
                *people.DIFFICULTY_FIELDS,
            ),
            "sensitive",
            "contact_choice",
            Div(
                HTML('{% include "feedback/_contact_intro.html" %}'),
                *CONTACT_FIELDS,
                css_id="contact-fields",
                css_class="contact-fields border-start border-3 ps-3 mb-3",
            ),
            "attachment",
            Field("website", wrapper_class="d-none", aria_hidden="true"),
        )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Your concern could not be accepted. Please try again."))
        return ""

    def clean_contact_phone(self):
        raw = self.cleaned_data.get("contact_phone", "").strip()
        return phone_normalise(raw, message=INVALID_PHONE) if raw else ""

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        content_type, extension = attachment_validate(upload)
        upload.name = f"attachment.{extension}"
        self.attachment_type = content_type
        return upload

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("contact_choice")
        if choice == ContactChoice.ANONYMOUS and any(cleaned.get(name) for name in CONTACT_FIELDS):
            self.add_error(
                "contact_choice",
                _(
                    "You chose to stay anonymous: leave your name, phone and email empty, or choose "
                    "“NSSF may contact me”."
                ),
            )
        elif choice == ContactChoice.CONTACT and not (cleaned.get("contact_phone") or cleaned.get("contact_email")):
            self.add_error("contact_phone", _("Give a phone number or an email so that we can contact you."))
        return cleaned

    def save(self, *, language: str, channel: str = Concern.Channel.WEB, recorded_by=None) -> Concern:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for name in (*ABOUT_YOU, *CONTACT_FIELDS):
            data[name] = data[name] or ""
        anonymous = self.cleaned_data["contact_choice"] == ContactChoice.ANONYMOUS
        return services.concern_submit(
            **data,
            anonymous=anonymous,
            consent_to_contact=not anonymous,
            attachment=self.cleaned_data.get("attachment"),
            attachment_type=getattr(self, "attachment_type", ""),
            language=language,
            channel=channel,
            recorded_by=recorded_by,
        )


class RecordConcernForm(forms.ModelForm):
    """Staff and organizers record concerns raised aloud at a forum session, many in a row."""

    class Meta:
        model = Concern
        fields = [
            "session",
            "category",
            "description",
            "province",
            "gender",
            "age_group",
            "role",
            "sector",
            "sensitive",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "autofocus": True})}

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.fields["session"].queryset = AgendaItem.objects.filter(forum=forum).order_by("starts_at", "pk")
        self.fields["province"].queryset = Province.objects.by_name()
        self.fields["province"].required = True
        self.helper = _helper()

    def save(self, *, recorded_by, language: str) -> Concern:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for name in ("gender", "age_group", "role", "sector"):
            data[name] = data[name] or ""
        return services.concern_submit(
            **data,
            forum=self.forum,
            channel=Concern.Channel.FORUM,
            language=language,
            recorded_by=recorded_by,
            received_at=None,
        )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("The ten letters and numbers you got, for example ABCDE-23456."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ResolutionForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Was your concern resolved?"), choices=Concern.Resolution.choices, widget=forms.RadioSelect
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with NSSF's answer? (optional)"),
        choices=Concern.Satisfaction.choices,
        widget=forms.RadioSelect,
        required=False,
        coerce=int,
        empty_value=None,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    appeal = forms.BooleanField(
        label=_("Not resolved: I ask NSSF supervisors to look at it again (an appeal)"),
        required=False,
        help_text=_("Without this, a concern closed less than a month ago is simply reopened."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("appeal") and cleaned.get("answer") == Concern.Resolution.YES:
            self.add_error("appeal", _("An appeal is for a concern that was not resolved."))
        return cleaned


class TrackResolutionForm(ResolutionForm):
    """The same question on the tracking page: the tracking code is the key, as for looking it up."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the supervisors look at it again?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class TrackAppealForm(AppealForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)


ANY = _("Any")
QUEUE_VIEW_LABELS = {
    "open": _("All open"),
    "mine": _("Assigned to me"),
    "unassigned": _("Unassigned"),
    "overdue": _("Overdue"),
    "all": _("Everything, closed too"),
}


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("View"), choices=list(QUEUE_VIEW_LABELS.items()), required=False, widget=forms.HiddenInput
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=Concern.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the statuses of the view."),
    )
    series = forms.ModelChoiceField(
        label=_("Series"), queryset=ForumSeries.objects.all(), required=False, empty_label=ANY
    )
    forum = forms.ModelChoiceField(
        label=_("Forum"), queryset=Forum.objects.order_by("-starts_at"), required=False, empty_label=ANY
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.all(), required=False, empty_label=ANY
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", ANY), *Concern.Category.choices], required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", ANY), *Concern.Priority.choices],
        required=False,
        coerce=int,
        empty_value=None,
    )
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=selectors.staff_members(), required=False, empty_label=ANY
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    policy_issue = forms.BooleanField(label=_("Policy issues only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("next_due", _("Due soonest")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("due", _("Resolve-by date")),
            ("priority", _("Priority")),
            ("status", _("Status")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.disable_csrf = True


class ConcernUpdateForm(forms.Form):
    """The officer's one form: category, assignee, priority, status and the public answer, saved together."""

    status = forms.ChoiceField(label=_("Status"))
    public_response = forms.CharField(
        label=_("Answer to the submitter"),
        required=False,
        max_length=Concern.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Needed to move to “Responded”. The submitter reads it with the tracking code. No personal data."),
    )
    publishable = forms.BooleanField(
        label=_("Also publish this answer on the forum's public page"),
        required=False,
        help_text=_("Sensitive concerns are never published."),
    )
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"),
        required=False,
        choices=[("", _("Not closing")), *Concern.ClosingReason.choices],
        help_text=_("Needed to close the concern."),
    )
    note = forms.CharField(
        label=_("Note for the timeline (optional; needed to reopen)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Concern.Category.choices)
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=selectors.staff_members(), required=False, empty_label=_("Nobody")
    )
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Concern.Priority.choices, coerce=int)

    def __init__(self, *args, concern: Concern, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": concern.status,
                "public_response": concern.public_response,
                "publishable": concern.response_publishable,
                "category": concern.category,
                "assignee": concern.assignee_id,
                "priority": concern.priority,
            },
        )
        super().__init__(*args, **kwargs)
        self.concern = concern
        self.fields["status"].choices = self._status_choices(concern)
        self.helper = _helper()

    @staticmethod
    def _status_choices(concern: Concern) -> list:
        labels = dict(Concern.Status.choices)
        if concern.duplicate_of_id:
            # A duplicate follows its primary's lifecycle: its status is changed there.
            return [(concern.status, labels[concern.status])]
        if concern.status == Concern.Status.CLOSED:
            return [
                (Concern.Status.CLOSED, labels[Concern.Status.CLOSED]),
                (Concern.Status.UNDER_REVIEW, _("Reopen: under review again")),
            ]
        steps = list(Concern.Status.values)
        return [(value, labels[value]) for value in steps[steps.index(concern.status) :]]

    def save(self, *, actor) -> Concern:
        return services.concern_update(concern=self.concern, actor=actor, **self.cleaned_data)


class AppealCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Appeal.Outcome.choices, widget=forms.RadioSelect)
    outcome_text = forms.CharField(
        label=_("Decision, as the person will read it"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("When it is not resolved, the message also names the social security regulator."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Why reopen it?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RespondForm(forms.Form):
    public_response = forms.CharField(
        label=_("Answer to the submitter"),
        max_length=Concern.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The submitter reads this with the tracking code. Write no personal data."),
    )
    publishable = forms.BooleanField(
        label=_("Also publish this answer on the forum's public page"),
        required=False,
        help_text=_("Sensitive concerns are never published."),
    )


class CloseForm(forms.Form):
    closing_reason = forms.ChoiceField(label=_("Closing reason"), choices=Concern.ClosingReason.choices)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=selectors.staff_members(), required=False, empty_label=_("Nobody")
    )


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Concern.Priority.choices, coerce=int)


class InternalNoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class LinkForm(forms.Form):
    other_code = forms.CharField(label=_("Tracking code of the other concern"), max_length=20)
    duplicate = forms.BooleanField(
        label=_("This concern is the same as it (its answer will reach this submitter too)"), required=False
    )


class PolicyForm(forms.Form):
    flagged = forms.BooleanField(label=_("Policy issue for the national forum"), required=False)


class InterimForm(KhmerDigitsFormMixin, forms.Form):
    resolve_due = forms.DateField(label=_("New resolve-by date"), widget=DATE_WIDGET)
    text = forms.CharField(
        label=_("Why more time is needed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContactEraseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=ErasureReason.CHOICES)


# Concerns received by hotline, on paper, by letter or in person -----------------------------------------

INTAKE_MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is cleaned as a single file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ConcernIntakeForm(forms.ModelForm):
    """Staff record a concern received by the hotline, on paper, by letter or in person."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(value, label) for value, label in Concern.Channel.choices if value in services.INTAKE_CHANNELS],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Date received"),
        widget=DATE_WIDGET,
        help_text=_("The promised days count from this date, not from today."),
    )
    attachments = MultipleFileField(
        label=_("Scans or photos (optional)"),
        required=False,
        help_text=_("The paper form, the letter, documents: photos (JPEG, PNG, WebP) or PDFs, 5 MB each at most."),
    )
    language = forms.ChoiceField(
        label=_("Language to answer in"), choices=[("km", _("Khmer")), ("en", _("English"))], initial="km"
    )

    class Meta:
        model = Concern
        fields = [
            "category",
            "description",
            "province",
            "forum",
            "gender",
            "age_group",
            "sector",
            "role",
            "sensitive",
            "contact_name",
            "contact_phone",
            "contact_email",
            "consent_to_contact",
        ]
        labels = {
            "description": _("The concern, in the person's words"),
            "contact_name": _("Name (optional)"),
            "contact_phone": _("Phone number (optional)"),
            "contact_email": _("Email (optional)"),
            "consent_to_contact": _("The person agreed that NSSF contacts them about this concern"),
        }
        help_texts = {
            "consent_to_contact": _("Without this agreement, write no name, phone or email."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.by_name()
        self.fields["province"].required = True
        self.fields["forum"].queryset = Forum.objects.order_by("-starts_at")
        self.fields["forum"].required = False
        self.fields["attachments"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,application/pdf"
        self.order_fields(["channel", "received_on", "language"])
        self.helper = _helper()

    def clean_contact_phone(self):
        raw = self.cleaned_data.get("contact_phone", "").strip()
        return phone_normalise(raw, message=INVALID_PHONE) if raw else ""

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) > INTAKE_MAX_FILES:
            raise ValidationError(_("Attach at most %(count)s files.") % {"count": INTAKE_MAX_FILES})
        checked = []
        for upload in uploads:
            content_type, extension = attachment_validate(upload)
            if content_type == "audio/ogg":
                raise ValidationError(_("Send a photo (JPEG, PNG or WebP) or a PDF document."))
            upload.name = f"attachment.{extension}"
            checked.append((upload, content_type))
        return checked

    def clean(self):
        cleaned = super().clean()
        contact = [cleaned.get(name) for name in ("contact_name", "contact_phone", "contact_email")]
        if any(contact) and not cleaned.get("consent_to_contact"):
            self.add_error("consent_to_contact", _("Keep contact details only when the person agreed to be contacted."))
        elif cleaned.get("consent_to_contact") and not (cleaned.get("contact_phone") or cleaned.get("contact_email")):
            self.add_error("contact_phone", _("Give a phone number or an email so that NSSF can answer."))
        return cleaned

    def save(self, *, recorded_by) -> Concern:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for name in ("gender", "age_group", "sector", "role", "contact_name", "contact_phone", "contact_email"):
            data[name] = data[name] or ""
        return services.concern_intake(
            **data,
            channel=self.cleaned_data["channel"],
            received_on=self.cleaned_data["received_on"],
            language=self.cleaned_data["language"],
            attachments=self.cleaned_data.get("attachments") or [],
            recorded_by=recorded_by,
        )
