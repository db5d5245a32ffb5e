from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class ProvinceQuerySet(models.QuerySet):
    def by_name(self):
        """Order by the name people read: the Khmer name on Khmer pages, the English one otherwise."""
        return self.order_by("name_km" if get_language() == "km" else "name_en")


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
