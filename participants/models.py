from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Active registrations hold a seat or a place in the queue; duplicates are judged among them only.
ACTIVE = ~Q(status="cancelled")


class Registration(models.Model):
    """One person's registration for one forum: a confirmed seat, a place on the waiting list, or cancelled."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        ANOTHER = "another", _("Another gender identity")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class AgeGroup(models.TextChoices):
        UNDER_25 = "under_25", _("Under 25")
        FROM_25 = "25_34", _("25 to 34")
        FROM_35 = "35_44", _("35 to 44")
        FROM_45 = "45_54", _("45 to 54")
        FROM_55 = "55_64", _("55 to 64")
        FROM_65 = "65_plus", _("65 or older")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Disability(models.TextChoices):
        NO = "no", _("No")
        YES = "yes", _("Yes")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Role(models.TextChoices):
        LOCAL_LEADER = "local_leader", _("Local leader")
        WORKERS_REP = "workers_rep", _("Workers' representative")
        COMMUNITY_REP = "community_rep", _("Community representative")
        CSO = "cso", _("Civil-society or NGO representative")
        EXPERT = "expert", _("Expert")
        OFFICIAL = "official", _("Ministry or provincial official")
        SERVICE_PROVIDER = "service_provider", _("Service provider")
        JOURNALIST = "journalist", _("Journalist")
        OTHER = "other", pgettext_lazy("participant role", "Other")

    class Sector(models.TextChoices):
        GARMENT = "garment", _("Garment, footwear and travel goods")
        CONSTRUCTION = "construction", _("Construction")
        ENTERTAINMENT = "entertainment", _("Entertainment")
        TOURISM = "tourism", _("Tourism and hospitality")
        INFORMAL = "informal", _("Informal economy")
        FARMING = "farming", _("Smallholder farming")
        PUBLIC = "public", _("Public sector")
        OTHER = "other", pgettext_lazy("sector", "Other")

    class Language(models.TextChoices):
        KHMER = "km", _("Khmer")
        ENGLISH = "en", _("English")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        TELEGRAM = "telegram", _("Telegram")

    class SupportNeed(models.TextChoices):
        CHILDCARE = "childcare", _("Childcare")
        BREASTFEEDING = "breastfeeding", _("Breastfeeding room")
        SIGN_LANGUAGE = "sign_language", _("Sign language interpretation")
        WHEELCHAIR = "wheelchair", _("Wheelchair access")
        TRANSPORT = "transport", _("Transport")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        WAITING = "waiting", pgettext_lazy("registration status", "Waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    forum = models.ForeignKey(
        "events.Forum", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("forum")
    )
    code = models.CharField(_("reference code"), max_length=12, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender)
    age_group = models.CharField(_("age group"), max_length=20, choices=AgeGroup)
    disability = models.CharField(
        _("disability"), max_length=20, choices=Disability, default=Disability.UNDISCLOSED, blank=True
    )
    role = models.CharField(_("role"), max_length=30, choices=Role)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    province = models.ForeignKey(
        "events.Province", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("province")
    )
    district = models.ForeignKey(
        "events.District",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("district"),
        null=True,
        blank=True,
    )
    phone = models.CharField(_("mobile phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language, default=Language.KHMER
    )
    reminder_channel = models.CharField(_("reminder channel"), max_length=20, choices=Channel, default=Channel.SMS)
    nssf_member = models.BooleanField(_("NSSF member"), default=False)
    nssf_number = models.CharField(_("NSSF membership number"), max_length=30, blank=True)
    support_needs = models.JSONField(_("support needs"), default=list, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.CONFIRMED)
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    confirmations_sent = models.PositiveSmallIntegerField(_("confirmations sent"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Set when the personal data was erased (participants.retention); the figures stay.
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        permissions = [
            ("manage_registrations", _("Can see, edit, export and cancel the registrations of a forum")),
            ("check_in_participants", _("Can check participants in at the venue")),
        ]
        indexes = [
            models.Index(fields=["forum", "status", "created_at"], name="registration_queue_idx"),
            models.Index(fields=["forum", "created_at", "id"], name="registration_list_idx"),
            models.Index(fields=["forum", "full_name"], name="registration_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "phone"], condition=ACTIVE & ~Q(phone=""), name="registration_unique_phone"
            ),
            models.UniqueConstraint(
                fields=["forum", "email"], condition=ACTIVE & ~Q(email=""), name="registration_unique_email"
            ),
            models.UniqueConstraint(
                fields=["forum", "nssf_number"],
                condition=ACTIVE & ~Q(nssf_number=""),
                name="registration_unique_nssf_number",
            ),
            models.CheckConstraint(
                condition=~Q(reminder_channel="email") | ~Q(email=""), name="registration_email_channel_has_email"
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    @property
    def code_display(self) -> str:
        """Return the code in two groups, easier to read aloud at the door."""
        half = len(self.code) // 2
        return f"{self.code[:half]}-{self.code[half:]}"

    def support_needs_display(self) -> list[str]:
        labels = dict(self.SupportNeed.choices)
        return [str(labels.get(need, need)) for need in self.support_needs]


class SeatTarget(models.Model):
    """A goal for the mix of the room (a share of women, seats per province or role); informs, refuses no one."""

    class Dimension(models.TextChoices):
        GENDER = "gender", _("Gender")
        ROLE = "role", _("Role")
        PROVINCE = "province", _("Province")

    class Unit(models.TextChoices):
        PERCENT = "percent", _("Percent of confirmed participants")
        SEATS = "seats", _("Seats")

    forum = models.ForeignKey("events.Forum", on_delete=models.CASCADE, related_name="seat_targets")
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension)
    value = models.CharField(_("value"), max_length=30, help_text=_("A gender, a role, or a province code."))
    minimum = models.PositiveIntegerField(_("at least"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit, default=Unit.SEATS)

    class Meta:
        verbose_name = _("seat target")
        verbose_name_plural = _("seat targets")
        ordering = ["dimension", "value"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "dimension", "value"], name="seat_target_unique"),
            models.CheckConstraint(condition=~Q(unit="percent") | Q(minimum__lte=100), name="seat_target_percent"),
        ]

    def __str__(self):
        return f"{self.dimension}={self.value} ≥ {self.minimum} {self.unit}"
