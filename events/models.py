import secrets
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from events import people
from forum_portal.khmer import khmer_order
from forum_portal.storage import private_storage


class ProvinceQuerySet(models.QuerySet):
    def by_name(self):
        """Order by the name people read: the Khmer name (Khmer collation) on Khmer pages, else the English one."""
        if (get_language() or "")[:2] == "km":
            return self.order_by(khmer_order("name_km"), "pk")
        return self.order_by("name_en", "pk")


class Province(models.Model):
    """One of Cambodia's 25 provinces (24 provinces and the capital), from the MEF's official list."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_km = models.CharField(_("name in Khmer"), max_length=100)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        """Return the name in the active language."""
        return self.name_km if get_language() == "km" else self.name_en


class District(models.Model):
    """A district, khan or municipality within a province."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="districts")
    code = models.CharField(_("code"), max_length=6, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_km = models.CharField(_("name in Khmer"), max_length=100)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["province__name_en", "name_en"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_km if get_language() == "km" else self.name_en


class ForumSeries(models.Model):
    """An annual series of regional forums that concludes with a national forum."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    theme = models.CharField(_("theme"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    co_organizers = models.CharField(_("co-organizers"), max_length=200, default="NSSF, Oxfam")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("forum series")
        verbose_name_plural = _("forum series")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    job_title = models.CharField(_("title"), max_length=200, blank=True)
    # Counted in reports (women's share among speakers); blank until an organizer says.
    gender = models.CharField(_("gender"), max_length=20, choices=people.Gender, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        parts = [self.name, self.job_title, self.organisation]
        return ", ".join(part for part in parts if part)


class Forum(models.Model):
    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional forum")
        NATIONAL = "national", _("National forum")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("forum status", "Draft")
        PUBLISHED = "published", pgettext_lazy("forum status", "Published")
        CLOSED = "closed", pgettext_lazy("forum status", "Registration closed")
        COMPLETED = "completed", pgettext_lazy("forum status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("forum status", "Cancelled")

    # Statuses the public may see; drafts are the organizers' alone.
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED, Status.COMPLETED, Status.CANCELLED)

    series = models.ForeignKey(ForumSeries, on_delete=models.PROTECT, related_name="forums", verbose_name=_("series"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.REGIONAL)
    host_province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="hosted_forums", verbose_name=_("host province")
    )
    covered_provinces = models.ManyToManyField(
        Province, related_name="covering_forums", verbose_name=_("covered provinces"), blank=True
    )
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_address = models.CharField(_("venue address"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), default=130)
    registration_opens_at = models.DateTimeField(_("registration opens at"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["starts_at"]
        permissions = [("manage_forums", _("Can create, edit and publish forums"))]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="forum_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="forum_registration_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__lte=F("ends_at")),
                name="forum_registration_closes_before_end",
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="forum_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:forum_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_past(self):
        return self.ends_at <= timezone.now()

    @property
    def registration_opens_later(self):
        """Return whether the forum is published and its registration window has not opened yet."""
        return self.status == self.Status.PUBLISHED and timezone.now() < self.registration_opens_at

    @property
    def registration_is_open(self):
        """Return whether a person may register now: published and inside the registration window."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.registration_opens_at <= now < self.registration_closes_at
            and now < self.starts_at
        )


class AgendaItem(models.Model):
    class SessionKind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        OPENING = "opening", _("Opening remarks")
        KEYNOTE = "keynote", _("Presentation")
        PANEL = "panel", _("Panel discussion")
        GROUP = "group", _("Group discussion")
        QA = "qa", _("Questions and answers")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing remarks")
        OTHER = "other", _("Other")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="agenda_items")
    starts_at = models.TimeField(_("start time"))
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    session_kind = models.CharField(_("session kind"), max_length=20, choices=SessionKind, default=SessionKind.OTHER)
    speakers = models.ManyToManyField(Speaker, related_name="agenda_items", blank=True, verbose_name=_("speakers"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["forum", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="agenda_item_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.title}"


def material_storage() -> FileSystemStorage:
    """Return where forum materials are kept: private storage, public and organizers-only files alike.

    Views that check who asks serve them, so an organizers-only file never has a public address.
    """
    return private_storage()


def material_path(instance, filename: str) -> str:
    """Return a random path under forums/; the uploaded name is dropped (the title names the download)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"forums/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension[:5]}"


class Minutes(NamedTuple):
    text: str
    lang: str  # the language the text is in, for the page's `lang` attribute
    is_fallback: bool  # in the other language, the reader's having none


class ForumRecord(models.Model):
    """What remains of a forum once held: its minutes in both languages and its livestream or recording."""

    class StreamState(models.TextChoices):
        UPCOMING = "upcoming", pgettext_lazy("livestream", "Livestream: upcoming")
        LIVE = "live", pgettext_lazy("livestream", "Live now")
        RECORDING = "recording", pgettext_lazy("livestream", "Watch the recording")

    forum = models.OneToOneField(Forum, on_delete=models.CASCADE, related_name="record", verbose_name=_("forum"))
    minutes_km = models.TextField(_("minutes or summary in Khmer"), blank=True)
    minutes_en = models.TextField(_("minutes or summary in English"), blank=True)
    stream_url = models.URLField(
        _("livestream link"), blank=True, help_text=_("Where people watch the forum while it is held.")
    )
    recording_url = models.URLField(
        _("recording link"),
        blank=True,
        help_text=_("Where people watch it afterwards; leave empty if the livestream link keeps the recording."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("forum record")
        verbose_name_plural = _("forum records")

    def __str__(self):
        return str(self.forum)

    def minutes(self, language: str | None = None) -> Minutes:
        """Return the minutes in `language` (the active one by default), or else in the other language."""
        wanted = "km" if (language or get_language() or "en")[:2] == "km" else "en"
        other = "en" if wanted == "km" else "km"
        texts = {"km": self.minutes_km.strip(), "en": self.minutes_en.strip()}
        if texts[wanted] or not texts[other]:
            return Minutes(text=texts[wanted], lang=wanted, is_fallback=False)
        return Minutes(text=texts[other], lang=other, is_fallback=True)

    @property
    def stream_state(self) -> str:
        """Return whether the forum's stream is upcoming, live now, or over (a recording), by the forum's times."""
        now = timezone.now()
        if now < self.forum.starts_at:
            return self.StreamState.UPCOMING
        if now < self.forum.ends_at:
            return self.StreamState.LIVE
        return self.StreamState.RECORDING

    @property
    def stream_link(self) -> str:
        """Return the link the button opens now: the recording once the forum is over, if there is one."""
        if self.stream_state == self.StreamState.RECORDING and self.recording_url:
            return self.recording_url
        return self.stream_url

    @property
    def stream_label(self) -> str:
        return self.StreamState(self.stream_state).label


class Material(models.Model):
    """A file, photo or link from a forum, attached to the forum or to one of its agenda items."""

    class Kind(models.TextChoices):
        FILE = "file", _("Document or slides")
        PHOTO = "photo", _("Photo")
        LINK = "link", _("Link")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        ORGANIZERS = "organizers", _("Organizers only")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="materials", verbose_name=_("forum"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("agenda item"),
        help_text=_("Leave empty for material of the whole forum."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.FILE)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), storage=material_storage, upload_to=material_path, blank=True, max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    url = models.URLField(_("link"), blank=True, max_length=500)
    visibility = models.CharField(_("visible to"), max_length=12, choices=Visibility, default=Visibility.PUBLIC)
    consent_note = models.CharField(
        _("consent note"),
        max_length=300,
        blank=True,
        help_text=_("For photos: who agreed to be shown, and how (for example, “verbal consent of all shown”)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["forum", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="") & Q(file=""))
                | (Q(kind__in=["file", "photo"]) & ~Q(file="") & Q(url="")),
                name="material_link_or_file",
            ),
            models.CheckConstraint(
                condition=~Q(kind="photo") | ~Q(consent_note=""), name="material_photo_has_consent_note"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """Return where the material opens: its link, or the view that serves its file."""
        if self.kind == self.Kind.LINK:
            return self.url
        return reverse("events:material_download", kwargs={"slug": self.forum.slug, "pk": self.pk})

    def clean(self):
        if self.agenda_item_id is not None and self.agenda_item.forum_id != self.forum_id:
            raise ValidationError({"agenda_item": _("Choose an agenda item of this forum.")})

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else "bin"
