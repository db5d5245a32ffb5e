from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events import people
from forum_portal.codes import code_display
from notifications.models import Message

# Active registrations hold a seat or a place in the queue; duplicates are judged among them only.
ACTIVE = ~Q(status="cancelled")


class Registration(people.PersonDescription):
    """One person's registration for one forum: a confirmed seat, a place on the waiting list, or cancelled."""

    # The shared vocabulary, reachable as before (Registration.Gender, Registration.Role, ...).
    Gender = people.Gender
    AgeGroup = people.AgeGroup
    Role = people.Role
    Sector = people.Sector
    Difficulty = people.Difficulty

    class LegacyDisabilityAnswer(models.TextChoices):
        NO = "no", _("No")
        YES = "yes", _("Yes")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Language(models.TextChoices):
        KHMER = "km", _("Khmer")
        ENGLISH = "en", _("English")

    # The ways the outbox can reach a person: the same list, so a registration's choice is a message's channel.
    Channel = Message.Channel

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
    legacy_disability_answer = models.CharField(
        _("answer to the old single difficulty question"),
        max_length=20,
        choices=LegacyDisabilityAnswer,
        blank=True,
        editable=False,
        help_text=_("Asked before the Washington Group questions; not counted as a disability."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # Every registration says where the person lives (seat targets count by province): not null, unlike a concern.
    province = models.ForeignKey(
        "events.Province", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("province")
    )
    # Blank only for a walk-in registered at the door without one: nothing is sent to them until it is added.
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
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
    # A cancellation an organizer undid when every seat was taken: the person goes ahead of those waiting.
    waiting_first = models.BooleanField(_("first on the waiting list"), default=False)
    # How many cancellations were undone: each cancellation and reactivation message is then sent once.
    reactivated_count = models.PositiveSmallIntegerField(_("times reactivated"), default=0, editable=False)
    # Set when the personal data was erased (participants.retention); the figures stay.
    anonymised_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)
    # Offline check-in: the id a device gave a check-in or walk-in it queued, so sending it twice applies it once.
    check_in_client_id = models.UUIDField(_("check-in id from the device"), null=True, blank=True, unique=True)
    badge_printed_at = models.DateTimeField(_("badge printed at"), null=True, blank=True)
    # Two people sharing one phone: an organizer registers the second at the door and says so here.
    shared_phone_note = models.CharField(_("shared phone note"), max_length=200, blank=True)

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
            # Every figure of a forum (seats, check-in counters, list totals) in one index-only scan.
            models.Index(fields=["forum", "status", "gender", "checked_in_at"], name="registration_counts_idx"),
        ]
        constraints = [
            # A walk-in registered by an organizer with a shared-phone note may reuse a phone; nobody else may.
            models.UniqueConstraint(
                fields=["forum", "phone"],
                condition=ACTIVE & ~Q(phone="") & ~(Q(is_walk_in=True) & ~Q(shared_phone_note="")),
                name="registration_unique_phone",
            ),
            models.CheckConstraint(
                condition=Q(shared_phone_note="") | Q(is_walk_in=True), name="registration_shared_phone_walk_in"
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
            # The shared fields are optional for concerns; a registration always describes its person.
            models.CheckConstraint(
                condition=~Q(gender="") & ~Q(age_group="") & ~Q(role="") & ~Q(sector=""),
                name="registration_person_described",
                violation_error_message=_("Give the gender, age group, role and sector."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    @property
    def code_display(self) -> str:
        """Return the code in two groups, easier to read aloud at the door."""
        return code_display(self.code)


class RegistrationTally(models.Model):
    """How many registrations of a forum give one answer, by status and check-in: the dashboards read these.

    Kept by the database itself (triggers made in migration 0010 run on every insert, update and delete of a
    registration, bulk ones included), so no code path can forget it and no reader scans 100,000 rows. Each
    registration counts once per dimension: "total" (key ""), each answer that describes the person, the hour
    it was made ("hour", key "2026-09-01T03" in UTC: readers turn hours into local days) and "sector_gender"
    (key "garment:woman"). A count may fall to 0 and stay; readers skip those.
    """

    DIMENSIONS = ("total", "gender", "age_group", "disability", "role", "sector", "province", "hour", "sector_gender")

    forum = models.ForeignKey(
        "events.Forum", on_delete=models.CASCADE, related_name="registration_tallies", verbose_name=_("forum")
    )
    dimension = models.CharField(_("dimension"), max_length=20)
    key = models.CharField(_("answer"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Registration.Status)
    checked_in = models.BooleanField(_("checked in"))
    count = models.IntegerField(_("registrations"))

    class Meta:
        verbose_name = _("registration tally")
        verbose_name_plural = _("registration tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "dimension", "key", "status", "checked_in"], name="registration_tally_unique"
            ),
        ]

    def __str__(self):
        return f"{self.forum_id} {self.dimension}={self.key} {self.status}: {self.count}"


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


DEFAULT_REMINDER_OFFSETS_DAYS = (7, 1)
DEFAULT_REMINDER_HOUR = 9


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS_DAYS)


class ReminderSettings(models.Model):
    """When a forum's reminders go out to its confirmed participants; a forum without a row uses the defaults."""

    forum = models.OneToOneField(
        "events.Forum", on_delete=models.CASCADE, related_name="reminder_settings", verbose_name=_("forum")
    )
    reminder_offsets_days = models.JSONField(
        _("reminder days before the forum"),
        default=default_reminder_offsets,
        blank=True,
        help_text=_("Whole days before the forum day; empty means no reminders."),
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("reminder hour"),
        default=DEFAULT_REMINDER_HOUR,
        help_text=_("Local hour (Asia/Phnom_Penh) at which reminders are sent."),
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_hour__gte=6, reminder_hour__lte=20), name="reminder_settings_hour_daytime"
            )
        ]

    def __str__(self):
        return str(self.forum)


# Certificates and evaluation --------------------------------------------------------------------------


class Certificate(models.Model):
    """Proof that a checked-in participant attended; anyone holding its code can check it."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="certificate", verbose_name=_("registration")
    )
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return code_display(self.code)

    @property
    def code_display(self) -> str:
        return code_display(self.code)


class Evaluation(models.Model):
    """A forum's short evaluation: up to ten closed questions and one optional open question."""

    MAX_QUESTIONS = 10

    forum = models.OneToOneField(
        "events.Forum", on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("forum")
    )
    open_question_km = models.CharField(_("open question in Khmer"), max_length=300, blank=True)
    open_question_en = models.CharField(_("open question in English"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return str(self.forum)


class EvaluationQuestion(models.Model):
    """One closed question; a knowledge question is asked before the forum and again after it."""

    # The definition form's slots: as many as an evaluation may have questions.
    MAX_SLOTS = 10

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        CHOICE = "choice", _("One choice")
        YES_NO = "yes_no", _("Yes or no")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="questions", verbose_name=_("evaluation")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.RATING)
    text_km = models.CharField(_("question in Khmer"), max_length=300)
    text_en = models.CharField(_("question in English"), max_length=300)
    # One option a line, the same number of lines in both languages; only for "one choice".
    options_km = models.TextField(_("options in Khmer"), blank=True, help_text=_("One option a line."))
    options_en = models.TextField(_("options in English"), blank=True, help_text=_("One option a line."))
    is_knowledge = models.BooleanField(
        _("knowledge question"), default=False, help_text=_("Also asked before the forum, to show what people learned.")
    )

    class Meta:
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "position"], name="evaluation_question_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=10), name="evaluation_question_at_most_ten"
            ),
        ]

    def __str__(self):
        return self.text_en

    def text(self, language: str) -> str:
        return self.text_km if language == "km" else self.text_en

    def options(self, language: str) -> list[str]:
        """Return the options of a "one choice" question in `language`, numbered from 1 by position."""
        text = self.options_km if language == "km" else self.options_en
        return [line.strip() for line in text.splitlines() if line.strip()]


class EvaluationResponse(models.Model):
    """One person's answers, before or after the forum; the database refuses a second one."""

    class Moment(models.TextChoices):
        BEFORE = "before", _("Before the forum")
        AFTER = "after", _("After the forum")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="responses", verbose_name=_("evaluation")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="evaluation_responses", verbose_name=_("registration")
    )
    moment = models.CharField(_("moment"), max_length=10, choices=Moment, default=Moment.AFTER)
    open_answer = models.TextField(_("open answer"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "moment"],
                name="evaluation_response_once",
                violation_error_message=_("You have already answered this evaluation. Thank you."),
            )
        ]

    def __str__(self):
        return f"{self.registration_id} {self.moment}"


class EvaluationAnswer(models.Model):
    """The answer to one closed question: 1 to 5 for a rating, 1 yes / 0 no, the option's number for a choice."""

    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    value = models.PositiveSmallIntegerField(_("value"))

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="evaluation_answer_once"),
        ]

    def __str__(self):
        return f"{self.question_id}={self.value}"
