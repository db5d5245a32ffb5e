from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from events import services
from events.models import AgendaItem, Forum, ForumRecord, ForumSeries, Material, Province
from events.services import RESERVED_SLUGS
from forum_portal.khmer import KhmerDigitsFormMixin

# Labels of the fields written in both languages, side by side on the organizers' forms.
BILINGUAL_LABELS = {
    "title": (_("Title in Khmer"), _("Title in English")),
    "description": (_("Description in Khmer"), _("Description in English")),
    "venue_name": (_("Venue in Khmer"), _("Venue in English")),
    "venue_address": (_("Venue address in Khmer"), _("Venue address in English")),
    "theme": (_("Theme in Khmer"), _("Theme in English")),
}
# One of the two languages is enough: the page shows the other language's text, marked as such.
BILINGUAL_REQUIRED_MESSAGE = _("Fill in at least one of Khmer and English.")


def bilingual_fields(*names: str) -> list[str]:
    """Return the form field names of `names` in both languages: ["title_km", "title_en", ...]."""
    return [f"{name}_{lang}" for name in names for lang in ("km", "en")]


def bilingual_row(name: str, *, css_class: str = "col-md-6") -> Row:
    """Return a row with the Khmer and the English field of `name` side by side (one above the other on phones)."""
    return Row(
        Column(f"{name}_km", css_class=css_class), Column(f"{name}_en", css_class=css_class), css_class="bilingual"
    )


def bilingual_prepare(form, *names: str, required: Iterable[str] = ()) -> None:
    """Label the Khmer and English fields of `names`, mark the Khmer one `lang="km"` and the English one
    `lang="en"` (so screen readers and fonts read each in its language) and make none of them required alone."""
    for name in names:
        for lang, label in zip(("km", "en"), BILINGUAL_LABELS[name], strict=True):
            field = form.fields.get(f"{name}_{lang}")
            if field is None:
                continue
            field.label = label
            field.required = False
            field.widget.attrs["lang"] = lang
    form.bilingual_required = tuple(required)


def bilingual_clean(form, cleaned: dict) -> None:
    """Add an error to each required bilingual field given in neither language."""
    for name in getattr(form, "bilingual_required", ()):
        if not (cleaned.get(f"{name}_km") or "").strip() and not (cleaned.get(f"{name}_en") or "").strip():
            form.add_error(f"{name}_km", BILINGUAL_REQUIRED_MESSAGE)


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ForumForm(KhmerDigitsFormMixin, forms.ModelForm):
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
            *bilingual_fields("title"),
            "slug",
            "kind",
            "host_province",
            "covered_provinces",
            *bilingual_fields("venue_name", "venue_address"),
            "starts_at",
            "ends_at",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            *bilingual_fields("description"),
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "registration_opens_at": DATETIME_WIDGET,
            "registration_closes_at": DATETIME_WIDGET,
            "description_km": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": _("Used in the forum's web address. Leave empty to make one from the title.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["covered_provinces"].queryset = Province.objects.by_name()
        self.fields["host_province"].queryset = Province.objects.by_name()
        bilingual_prepare(
            self,
            "title",
            "venue_name",
            "venue_address",
            "description",
            required=("title", "venue_name", "venue_address"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("series", css_class="col-md-6"), Column("kind", css_class="col-md-6")),
            bilingual_row("title"),
            Row(Column("slug", css_class="col-md-6")),
            Row(Column("host_province", css_class="col-md-6"), Column("capacity", css_class="col-md-6")),
            Div("covered_provinces", css_class="province-checkboxes"),
            bilingual_row("venue_name"),
            bilingual_row("venue_address"),
            Row(Column("starts_at", css_class="col-md-6"), Column("ends_at", css_class="col-md-6")),
            Row(
                Column("registration_opens_at", css_class="col-md-6"),
                Column("registration_closes_at", css_class="col-md-6"),
            ),
            bilingual_row("description"),
        )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This web address is reserved. Choose another one."))
        return slug

    def clean(self):
        cleaned = super().clean()
        bilingual_clean(self, cleaned)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The forum must end after it starts."))
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        if closes and ends and closes > ends:
            self.add_error("registration_closes_at", _("Registration must close before the forum ends."))
        return cleaned

    def save(self, *, agenda: "BaseAgendaItemFormSet") -> Forum:
        """Save the forum and its validated `agenda` formset through the service, all or nothing."""
        forum = self.instance if self.instance.pk else None
        return services.forum_save(forum=forum, **self.cleaned_data, agenda=agenda.entries())


class AgendaItemForm(KhmerDigitsFormMixin, forms.ModelForm):
    new_speakers = forms.CharField(
        label=_("New speakers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Speakers not in the list yet, one per line: name, title, organisation."),
    )

    class Meta:
        model = AgendaItem
        fields = ["starts_at", "ends_at", *bilingual_fields("title"), "session_kind", "speakers"]
        fields += bilingual_fields("description")
        widgets = {
            "starts_at": TIME_WIDGET,
            "ends_at": TIME_WIDGET,
            "description_km": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bilingual_prepare(self, "title", "description", required=("title",))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("starts_at", css_class="col-6 col-md-3"),
                Column("ends_at", css_class="col-6 col-md-3"),
                Column("session_kind", css_class="col-md-6"),
            ),
            bilingual_row("title"),
            Row(Column("speakers", css_class="col-md-6"), Column("new_speakers", css_class="col-md-6")),
            bilingual_row("description"),
            "id",
            "forum",
            "DELETE",
        )

    def clean(self):
        cleaned = super().clean()
        bilingual_clean(self, cleaned)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        cleaned["new_speakers"] = [
            parsed for line in cleaned.get("new_speakers", "").splitlines() if (parsed := _parse_speaker(line))
        ]
        return cleaned


def _parse_speaker(line: str) -> dict | None:
    """Read "name, title, organisation" (title and organisation optional) into Speaker fields."""
    name, _sep, rest = (part.strip() for part in line.partition(","))
    if not name:
        return None
    job_title, _sep, organisation = (part.strip() for part in rest.partition(","))
    return {"name": name[:200], "job_title": job_title[:200], "organisation": organisation[:200]}


class BaseAgendaItemFormSet(forms.BaseInlineFormSet):
    def entries(self) -> list[dict]:
        """Return the changed and deleted items as the plain entries `services.forum_save` takes."""
        deleted = set(self.deleted_forms) if self.can_delete else set()
        entries = []
        for form in self.forms:
            item_id = form.instance.pk if form in self.initial_forms else None
            if form in deleted:
                if item_id:
                    entries.append({"id": item_id, "delete": True})
            elif form.has_changed():
                names = [n for n in services.AGENDA_FIELDS if n not in services.AGENDA_TEXT_FIELDS]
                names += bilingual_fields(*services.AGENDA_TEXT_FIELDS)
                fields = {name: form.cleaned_data.get(name) for name in names}
                speakers = form.cleaned_data.get("speakers") or []
                entries.append(
                    {"id": item_id, **fields, "speakers": speakers, "new_speakers": form.cleaned_data["new_speakers"]}
                )
        return entries


AgendaItemFormSet = forms.inlineformset_factory(
    Forum,
    AgendaItem,
    form=AgendaItemForm,
    formset=BaseAgendaItemFormSet,
    extra=3,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


class ForumSeriesForm(KhmerDigitsFormMixin, forms.ModelForm):
    class Meta:
        model = ForumSeries
        fields = [
            *bilingual_fields("title"),
            "slug",
            *bilingual_fields("theme"),
            "year",
            "co_organizers",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"slug": _("Used in web addresses. Leave empty to make one from the title.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        bilingual_prepare(self, "title", "theme", required=("title", "theme"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            bilingual_row("title"), "slug", bilingual_row("theme"), "year", "co_organizers", "description"
        )

    def clean(self):
        cleaned = super().clean()
        bilingual_clean(self, cleaned)
        return cleaned

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This web address is reserved. Choose another one."))
        return slug

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 2000 and 2100."))
        return year

    def save(self) -> ForumSeries:
        """Save the series through the service."""
        return services.series_save(series=self.instance if self.instance.pk else None, **self.cleaned_data)


class ManageForumFilterForm(forms.Form):
    """Narrow the organizers' forum list; unknown values are ignored rather than refused."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Forum.Status.choices], required=False
    )
    series = forms.ModelChoiceField(
        label=_("Series"), queryset=ForumSeries.objects.all(), required=False, empty_label=_("All series")
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class MaterialForm(forms.Form):
    """Add a material to a forum, or change one; the service checks the file and decides."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices, initial=Material.Kind.FILE)
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The whole forum"),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, slides (PowerPoint or OpenDocument) or an image; a photo must be an image."),
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Material.Visibility.choices,
        initial=Material.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    consent_note = forms.CharField(
        label=_("Consent note"),
        max_length=300,
        required=False,
        help_text=_("For photos: who agreed to be shown, and how (for example, “verbal consent of all shown”)."),
    )

    def __init__(self, *args, forum: Forum, material: Material | None = None, **kwargs):
        self.forum, self.material = forum, material
        if material is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": material.kind,
                    "title": material.title,
                    "agenda_item": material.agenda_item_id,
                    "url": material.url,
                    "visibility": material.visibility,
                    "consent_note": material.consent_note,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(forum=forum).order_by("starts_at", "pk")
        if material is not None and material.file:
            self.fields["file"].help_text = _("Leave empty to keep the current file.")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def save(self) -> Material:
        """Add the material, or change it, through the service (which raises ValidationError by field)."""
        data = self.cleaned_data
        fields = {
            "kind": data["kind"],
            "title": data["title"],
            "visibility": data["visibility"],
            "agenda_item": data["agenda_item"],
            "file": data["file"] or None,
            "url": data["url"],
            "consent_note": data["consent_note"],
        }
        if self.material is None:
            return services.material_add(forum=self.forum, **fields)
        return services.material_update(material=self.material, **fields)


class ForumRecordForm(forms.ModelForm):
    """The forum's minutes, Khmer and English side by side, and its livestream and recording links."""

    class Meta:
        model = ForumRecord
        fields = ["minutes_km", "minutes_en", "stream_url", "recording_url"]
        widgets = {
            "minutes_km": forms.Textarea(attrs={"rows": 10, "lang": "km"}),
            "minutes_en": forms.Textarea(attrs={"rows": 10, "lang": "en"}),
        }

    def __init__(self, *args, forum: Forum, **kwargs):
        self.forum = forum
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("minutes_km", css_class="col-md-6"), Column("minutes_en", css_class="col-md-6")),
            Row(Column("stream_url", css_class="col-md-6"), Column("recording_url", css_class="col-md-6")),
        )

    def save(self) -> ForumRecord:
        """Save the record through the service."""
        return services.forum_record_save(forum=self.forum, **self.cleaned_data)
