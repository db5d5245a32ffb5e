import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events import people
from forum_portal.codes import code_display
from forum_portal.storage import private_storage


def attachment_path(instance, filename: str) -> str:
    """Return a random path for an attachment; the uploaded file name (personal data, often) is dropped."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    now = timezone.now()
    return f"concerns/{now:%Y/%m}/{secrets.token_hex(16)}.{extension[:5]}"


class PublicHoliday(models.Model):
    """A change to the Cambodian calendar of public holidays (feedback.calendar): a day added or removed.

    The `holidays` package knows the usual holidays of every year; this table records what the government
    announces besides (a bridge day added, a holiday moved or cancelled).
    """

    class Kind(models.TextChoices):
        ADDITION = "addition", _("Day off added")
        REMOVAL = "removal", _("Holiday removed (a working day)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("change"), max_length=10, choices=Kind, default=Kind.ADDITION)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_km = models.CharField(_("name in Khmer"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name_en}"


class NonWorkingDay(models.Model):
    """A weekday nobody works: a public holiday of the calendar (feedback.calendar), table changes applied.

    The database counts working days with these (the concern tallies' clocks); feedback.services'
    non_working_days_refresh keeps them equal to the calendar from CALENDAR_YEARS, after every change of a
    PublicHoliday and every migrate (a flush empties the table).
    """

    date = models.DateField(_("date"), primary_key=True)

    class Meta:
        verbose_name = _("non-working weekday")
        verbose_name_plural = _("non-working weekdays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


# The date of the next step owed on a concern (acknowledge, answer, resolve): the queue sorts and pages on it,
# through an index on this very expression (a generated column would make `check --deploy` need the database).
NEXT_DUE = models.Case(
    models.When(status="new", then=models.F("acknowledge_due")),
    models.When(status__in=("acknowledged", "under_review"), then=models.F("response_due")),
    default=models.F("resolve_due"),
    output_field=models.DateField(),
)


class Concern(people.PersonDescription):
    """A concern a worker raised about social security: the start of the accountability loop."""

    class Category(models.TextChoices):
        HEALTH_CARE = "health_care", _("Health-care services")
        MATERNITY = "maternity", _("Maternity allowance")
        EMPLOYMENT_INJURY = "employment_injury", _("Employment injury")
        SICKNESS_INVALIDITY = "sickness_invalidity", _("Sickness and invalidity")
        PENSION = "pension", _("Old-age pension")
        MEMBERSHIP = "membership", _("NSSF membership and registration")
        NSSF_CARD = "nssf_card", _("NSSF card")
        HEALTH_EQUITY_CARD = "health_equity_card", _("Health equity card")
        DEPENDANTS = "dependants", _("Dependants' health coverage")
        INFORMAL_ECONOMY = "informal_economy", _("Informal-economy coverage")
        PAYMENTS = "payments", _("Late or missing payments")
        STAFF_CONDUCT = "staff_conduct", _("Staff conduct and service quality")
        OTHER = "other", _("Other")

    # The shared vocabulary, reachable as before (Concern.Gender, Concern.Sector, ...).
    Gender = people.Gender
    AgeGroup = people.AgeGroup
    Role = people.Role
    Sector = people.Sector
    Difficulty = people.Difficulty

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        FORUM = "forum", _("Raised at a forum")
        HOTLINE = "hotline", _("Hotline")
        PAPER = "paper", _("Paper form")
        SMS = "sms", _("SMS")
        TELEGRAM = "telegram", _("Telegram")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person at an NSSF office")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("concern status", "New")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("concern status", "Acknowledged")
        UNDER_REVIEW = "under_review", pgettext_lazy("concern status", "Under review")
        RESPONDED = "responded", pgettext_lazy("concern status", "Responded")
        CLOSED = "closed", pgettext_lazy("concern status", "Closed")

    class Priority(models.IntegerChoices):
        LOW = 1, pgettext_lazy("priority", "Low")
        NORMAL = 2, pgettext_lazy("priority", "Normal")
        HIGH = 3, pgettext_lazy("priority", "High")
        URGENT = 4, pgettext_lazy("priority", "Urgent")

    class ClosingReason(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        REFERRED = "referred", _("Referred to another agency")
        OUTSIDE_MANDATE = "outside_mandate", _("Outside NSSF's mandate")
        DUPLICATE = "duplicate", _("Duplicate")

    class Resolution(models.TextChoices):
        YES = "yes", _("Yes, it was resolved")
        PARTLY = "partly", _("Partly resolved")
        NO = "no", _("No, it was not resolved")

    class Satisfaction(models.IntegerChoices):
        VERY_UNSATISFIED = 1, _("1: very unsatisfied")
        UNSATISFIED = 2, _("2: unsatisfied")
        NEUTRAL = 3, _("3: neither")
        SATISFIED = 4, _("4: satisfied")
        VERY_SATISFIED = 5, _("5: very satisfied")

    OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.UNDER_REVIEW, Status.RESPONDED)
    DESCRIPTION_MIN = 10
    DESCRIPTION_MAX = 4000

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    forum = models.ForeignKey(
        "events.Forum",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("forum"),
    )
    session = models.ForeignKey(
        "events.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("forum session"),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category)
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX,
        validators=[MinLengthValidator(DESCRIPTION_MIN), MaxLengthValidator(DESCRIPTION_MAX)],
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.WEB)
    language = models.CharField(_("language"), max_length=5, default="km")
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)
    # The Telegram chat a concern was raised from: its answers go back there, even for an anonymous submitter
    # (the chat is never shown to staff, and it is erased with the other contacts).
    contact_telegram_chat = models.CharField(_("Telegram chat"), max_length=40, blank=True)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    attachment = models.FileField(_("attachment"), storage=private_storage, upload_to=attachment_path, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=50, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_concerns",
        verbose_name=_("assigned to"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_concerns",
        verbose_name=_("recorded by"),
    )
    closing_reason = models.CharField(_("closing reason"), max_length=20, choices=ClosingReason, blank=True)
    policy_issue = models.BooleanField(_("policy issue for the national forum"), default=False)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related concerns"))
    public_response = models.TextField(_("public response"), blank=True, max_length=DESCRIPTION_MAX)
    response_publishable = models.BooleanField(_("publish the response on the public page"), default=False)

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    acknowledge_due = models.DateField(_("acknowledge by"))
    response_due = models.DateField(_("answer by"))
    resolve_due = models.DateField(_("resolve by"))
    # The resolve-by date first promised: an interim notice moves `resolve_due`, never this, so the on-time rate
    # is measured against the promise made when the clock started.
    first_resolve_due = models.DateField(_("resolve by, as first promised"), null=True, blank=True, editable=False)
    triage_due = models.DateTimeField(_("triage by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution_check_sent_at = models.DateTimeField(_("resolution check sent at"), null=True, blank=True)
    resolution_answer = models.CharField(
        _("resolved, says the submitter"), max_length=10, choices=Resolution, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1 to 5)"), choices=Satisfaction, null=True, blank=True
    )
    resolution_comment = models.TextField(_("submitter's comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the contact details were erased (feedback.retention): on request or after the retention period.
    contact_erased_at = models.DateTimeField(_("contact erased at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("review_concerns", _("Can review and answer concerns")),
            ("view_concern_contact", _("Can see the contact details and attachments of concerns")),
            ("record_concerns", _("Can record concerns raised at a forum")),
            ("view_concern_statistics", _("Can see concern statistics")),
            ("supervise_concerns", _("Can supervise concerns, including sensitive ones")),
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="concern_received_idx"),
            models.Index(fields=["status", "received_at"], name="concern_status_idx"),
            models.Index(fields=["forum", "status"], name="concern_forum_idx"),
            models.Index(fields=["resolve_due"], name="concern_resolve_due_idx"),
            models.Index(NEXT_DUE, models.F("id"), name="concern_next_due_idx"),
            models.Index(fields=["-priority", "received_at", "id"], name="concern_priority_idx"),
            # The few sensitive concerns are counted live (the tallies leave them out of "overdue").
            models.Index(fields=["status"], condition=Q(sensitive=True), name="concern_sensitive_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | Q(contact_name="", contact_phone="", contact_email="", consent_to_contact=False),
                name="concern_anonymous_has_no_contact",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closing_reason__gt="") | (~Q(status="closed") & Q(closing_reason="")),
                name="concern_closing_reason_iff_closed",
            ),
            models.CheckConstraint(condition=~Q(tracking_code=""), name="concern_tracking_code_set"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="concern_satisfaction_1_to_5",
            ),
        ]

    def __str__(self):
        return self.display_code

    def get_absolute_url(self):
        return reverse("feedback:concern_detail", kwargs={"code": self.tracking_code})

    @property
    def display_code(self) -> str:
        return code_display(self.tracking_code)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def first_line(self) -> str:
        """The first line of the description: what the queue shows of it."""
        return self.description.strip().split("\n", 1)[0]

    @property
    def primary(self) -> "Concern":
        """The concern of its duplicate group that staff work on (itself when it is no duplicate)."""
        return self.duplicate_of or self

    @property
    def can_be_contacted(self) -> bool:
        return bool(self.contact_telegram_chat) or (
            not self.anonymous and self.consent_to_contact and bool(self.contact_phone or self.contact_email)
        )


class ConcernTally(models.Model):
    """How many concerns of a forum (forum_key: its id, 0 for none) fall under one key of a dimension.

    Kept by the database itself (triggers made in migration 0012 run on every insert, update and delete of a
    concern, bulk ones included), so the desk and series dashboards read a few hundred rows instead of 100,000
    concerns. A count may fall to 0 and stay; readers skip those. Dimensions:
    - "total" (key ""), and the answers that describe a concern: category, province (id, "" for none), sector,
      channel, gender, status, "province_category" ("12:benefits") and "sector_gender" ("garment:woman");
    - what the submitter said: "asked" ("" when closed and asked), "resolution" (the answer), "satisfaction" (1 to 5);
    - per clock (acknowledge, answer, resolve): "<clock>_days" (working days it took, in local dates, counted
      with NonWorkingDay), "<clock>_on_time" ("" when done by the date first promised) and "<clock>_open_due"
      (the promised date, "2026-09-30", while not done: late when before today);
    - "overdue_from": the earliest date owed on an open concern that is not sensitive (overdue when before
      today; sensitive ones are counted live, for those who may see them).
    """

    CLOCKS = ("acknowledge", "answer", "resolve")
    DATED = ("acknowledge_open_due", "answer_open_due", "resolve_open_due", "overdue_from")

    forum_key = models.IntegerField(_("forum"))
    dimension = models.CharField(_("dimension"), max_length=30)
    key = models.CharField(_("answer"), max_length=64, blank=True)
    count = models.IntegerField(_("concerns"))

    class Meta:
        verbose_name = _("concern tally")
        verbose_name_plural = _("concern tallies")
        constraints = [
            models.UniqueConstraint(fields=["forum_key", "dimension", "key"], name="concern_tally_unique"),
        ]

    def __str__(self):
        return f"{self.forum_key} {self.dimension}={self.key}: {self.count}"


class ConcernEvent(models.Model):
    """One entry of a concern's timeline: who did what, when."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        STATUS = "status", _("Status changed")
        REOPENED = "reopened", _("Reopened")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        NOTE = "note", _("Internal note")
        RESPONSE = "response", _("Public response")
        LINKED = "linked", _("Linked")
        POLICY = "policy", _("Policy issue flag")
        INTERIM = "interim", _("Interim notice")
        RESOLUTION_CHECK = "resolution_check", _("Submitter asked whether it was resolved")
        RESOLUTION = "resolution", _("Submitter's answer")
        CATEGORY = "category", _("Category corrected")
        DUPLICATE = "duplicate", _("Marked the same as another concern")
        APPEAL = "appeal", _("Appeal to supervisors")
        APPEAL_CLOSED = "appeal_closed", _("Appeal decided")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Concern.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Concern.Status, blank=True)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.concern} {self.get_kind_display()}"


class Appeal(models.Model):
    """An escalation of a concern to NSSF supervisors, with its own clock and an outcome.

    The submitter asks (with their tracking code or their link) or a staff member does; closing it not resolved
    tells the person about the external route, the social security regulator.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("appeal status", "Open")
        CLOSED = "closed", pgettext_lazy("appeal status", "Decided")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved on appeal")
        NOT_RESOLVED = "not_resolved", _("Not resolved: the external route is open")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("concern"))
    reason = models.TextField(_("reason"), max_length=2000)
    by_submitter = models.BooleanField(_("asked by the submitter"), default=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due = models.DateField(_("decide by"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    outcome_text = models.TextField(_("decision, as the person reads it"), blank=True, max_length=4000)
    closed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="appeal_status_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["concern"], condition=Q(status="open"), name="appeal_one_open_per_concern"),
            models.CheckConstraint(
                condition=Q(status="closed", outcome__gt="") | Q(status="open", outcome=""),
                name="appeal_outcome_iff_closed",
            ),
        ]

    def __str__(self):
        return f"{self.concern} {self.get_status_display()}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due < timezone.localdate()


class AuditEntry(models.Model):
    """A record of who looked at a concern's personal data or changed it: for administrators, read-only."""

    class Action(models.TextChoices):
        VIEW_CONTACT = "view_contact", _("Viewed contact details")
        VIEW_ATTACHMENT = "view_attachment", _("Opened the attachment")
        CHANGE = "change", _("Changed")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("who")
    )
    action = models.CharField(_("what"), max_length=20, choices=Action)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.concern}"


class ConcernAttachment(models.Model):
    """One more scan or photo of a concern (a paper form, a letter, its enclosures): several per concern.

    The concern's own `attachment` field stays for the one file the public form and Telegram bring.
    """

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path)
    content_type = models.CharField(_("type"), max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("concern attachment")
        verbose_name_plural = _("concern attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.concern} {self.content_type}"

    def get_absolute_url(self):
        return reverse("feedback:concern_attachment_file", kwargs={"code": self.concern.tracking_code, "pk": self.pk})


# Commitments: what NSSF (or another institution) committed to do about what workers raised -----------


class Commitment(models.Model):
    """A public commitment made at one or more forums, followed to the end in the open."""

    class Institution(models.TextChoices):
        NSSF = "nssf", _("NSSF")
        MINISTRY = "ministry", _("Ministry")
        PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("commitment status", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("commitment status", "In progress")
        DONE = "done", pgettext_lazy("commitment status", "Done")
        DROPPED = "dropped", pgettext_lazy("commitment status", "Dropped")

    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True, null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    institution = models.CharField(_("institution"), max_length=30, choices=Institution, default=Institution.NSSF)
    institution_name = models.CharField(
        _("name of the institution"), max_length=200, blank=True, help_text=_("For a ministry or a department.")
    )
    forums = models.ManyToManyField(
        "events.Forum", blank=True, related_name="commitments", verbose_name=_("made at the forums")
    )
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    responsible_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("responsible staff member"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    dropped_reason = models.TextField(_("why it was dropped"), max_length=2000, blank=True)
    concerns = models.ManyToManyField(
        Concern, blank=True, related_name="commitments", verbose_name=_("concerns it answers")
    )
    provinces = models.ManyToManyField(
        "events.Province", blank=True, related_name="commitments", verbose_name=_("provinces")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_commitments", _("Can create and update commitments"))]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="commitment_progress_at_most_100"),
            models.CheckConstraint(condition=~Q(status="done") | Q(progress=100), name="commitment_done_is_complete"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feedback:commitment_detail", kwargs={"key": self.slug or str(self.pk)})

    def get_manage_url(self):
        return reverse("feedback:commitment_manage", kwargs={"pk": self.pk})

    @property
    def institution_label(self) -> str:
        return self.institution_name or str(self.get_institution_display())

    @property
    def is_overdue(self) -> bool:
        open_statuses = (self.Status.PLANNED, self.Status.IN_PROGRESS)
        return self.status in open_statuses and self.due_date is not None and self.due_date < timezone.localdate()


class CommitmentCategory(models.Model):
    """One concern category a commitment answers (a row each, so that lists filter on it in any database)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="category_rows")
    category = models.CharField(_("category"), max_length=30, choices=Concern.Category)

    class Meta:
        verbose_name = _("commitment category")
        verbose_name_plural = _("commitment categories")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "category"], name="commitment_category_once"),
        ]

    def __str__(self):
        return self.get_category_display()


class CommitmentMilestone(models.Model):
    """A dated step of a commitment; reaching it is news for its followers."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("planned for"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title


class CommitmentUpdate(models.Model):
    """One entry of a commitment's public timeline: a status change, a milestone reached, or news."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Commitment made")
        STATUS = "status", _("Status changed")
        PROGRESS = "progress", _("Progress")
        MILESTONE = "milestone", _("Milestone reached")
        NOTE = "note", _("Update")

    # The changes its followers hear about.
    NEWS_KINDS = (Kind.STATUS, Kind.MILESTONE)

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("text"), max_length=4000, blank=True)
    from_status = models.CharField(_("from"), max_length=20, choices=Commitment.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Commitment.Status, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    milestone = models.ForeignKey(
        CommitmentMilestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("commitment update")
        verbose_name_plural = _("commitment updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.commitment} {self.get_kind_display()}"


class CommitmentFollower(models.Model):
    """Someone who asked to hear when a commitment changes, on one channel, in one language, with consent.

    Submitters of linked concerns who left a contact hear it too, without a row here (their concern's
    contact and consent are read at each change, so an erased contact is never written to).
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        TELEGRAM = "telegram", _("Telegram")
        EMAIL = "email", _("Email")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="followers")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=5, default="km")
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment follower")
        verbose_name_plural = _("commitment followers")
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="commitment_follower_consented"),
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="commitment_follower_reachable"),
            models.UniqueConstraint(
                fields=["commitment", "phone"], condition=~Q(phone=""), name="commitment_follower_phone_once"
            ),
            models.UniqueConstraint(
                fields=["commitment", "email"], condition=~Q(email=""), name="commitment_follower_email_once"
            ),
        ]

    def __str__(self):
        return f"{self.commitment} {self.get_channel_display()}"
