"""The one vocabulary for describing people: who came to a forum and who raised a concern, counted alike.

Registrations and concerns both inherit `PersonDescription`, so a figure by gender, age group, sector, role,
province or disability can be cross-tabulated between the two apps in the database.

Disability is measured with the Washington Group Short Set (washingtongroup-disability.com): six questions
about difficulty doing basic activities. A person counts as having a disability when they answer "a lot of
difficulty" or "cannot do at all" in at least one domain. The questions never say "disability": people
under-report when asked about it by name.
"""

from django.db import OperationalError, models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class Sector(models.TextChoices):
    GARMENT = "garment", _("Garment, footwear and travel goods")
    CONSTRUCTION = "construction", _("Construction")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    TOURISM = "tourism", _("Tourism and hospitality")
    TRANSPORT = "transport", _("Transport and delivery")
    INFORMAL = "informal", _("Informal economy")
    FARMING = "farming", _("Agriculture and fishing, including smallholder farming")
    PUBLIC = "public", _("Public sector")
    OTHER = "other", pgettext_lazy("sector", "Other")


class Role(models.TextChoices):
    WORKER = "worker", _("Worker")
    WORKERS_REP = "workers_rep", _("Workers' representative")
    EMPLOYER = "employer", _("Employer")
    LOCAL_LEADER = "local_leader", _("Local leader")
    COMMUNITY_REP = "community_rep", _("Community representative")
    CSO = "cso", _("Civil-society or NGO representative")
    EXPERT = "expert", _("Expert")
    OFFICIAL = "official", _("Ministry or provincial official")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    JOURNALIST = "journalist", _("Journalist")
    OTHER = "other", pgettext_lazy("participant role", "Other")


class Difficulty(models.TextChoices):
    """An answer to one Washington Group question; blank means the question was not asked."""

    NONE = "none", _("No difficulty")
    SOME = "some", _("Some difficulty")
    A_LOT = "a_lot", _("A lot of difficulty")
    CANNOT = "cannot", _("Cannot do at all")
    UNDISCLOSED = "undisclosed", _("Prefer not to answer")


class DisabilityStatus(models.TextChoices):
    """What the six answers add up to, by the Washington Group's cut-off.

    Yes with "a lot of difficulty" or "cannot do at all" in any domain; no when all six are answered below that;
    otherwise "preferred not to answer" if a question was declined, else unknown (not asked, or some left blank).
    """

    YES = "yes", _("With a disability")
    NO = "no", _("Without a disability")
    UNDISCLOSED = "undisclosed", _("Preferred not to answer")
    UNKNOWN = "", _("Unknown: not asked or not all answered")


# The six domains of the Short Set, in the order the Washington Group asks them, with the question as worded
# there. Field names are the same on every model that describes a person.
DIFFICULTY_QUESTIONS = {
    "difficulty_seeing": _("Do you have difficulty seeing, even if wearing glasses?"),
    "difficulty_hearing": _("Do you have difficulty hearing, even if using a hearing aid?"),
    "difficulty_walking": _("Do you have difficulty walking or climbing steps?"),
    "difficulty_remembering": _("Do you have difficulty remembering or concentrating?"),
    "difficulty_self_care": _("Do you have difficulty with self-care, such as washing all over or dressing?"),
    "difficulty_communicating": _(
        "Using your usual language, do you have difficulty communicating, for example understanding or being "
        "understood?"
    ),
}
DIFFICULTY_FIELDS = tuple(DIFFICULTY_QUESTIONS)
# The Washington Group's cut-off: at least one domain with "a lot of difficulty" or "cannot do at all".
SEVERE = (Difficulty.A_LOT.value, Difficulty.CANNOT.value)
ANSWERED_WITHOUT_SEVERE = (Difficulty.NONE.value, Difficulty.SOME.value)


def _any_domain(answers) -> Q:
    condition = Q()
    for name in DIFFICULTY_FIELDS:
        condition |= Q(**{f"{name}__in": answers})
    return condition


def _every_domain(answers) -> Q:
    condition = Q()
    for name in DIFFICULTY_FIELDS:
        condition &= Q(**{f"{name}__in": answers})
    return condition


def _difficulty_field(verbose_name):
    return models.CharField(verbose_name, max_length=20, choices=Difficulty, blank=True)


class DerivedField(models.GeneratedField):
    """A column the database computes from others and stores (a GeneratedField with db_persist).

    Django's support checks of generated columns ask a PostgreSQL server its version, and since Django 6 every
    `manage.py check` runs them against every database: `check --deploy` would then fail wherever the
    database cannot be reached (a build step, CI of the production settings). Stored generated columns exist
    in every database this project supports (PostgreSQL 12+, SQLite 3.31+), so when the server cannot be
    asked, the check has nothing to add: the migration would say it first.
    """

    def _check_supported(self, databases):
        try:
            return super()._check_supported(databases)
        except OperationalError:
            return []

    def _check_persistence(self, databases):
        try:
            return super()._check_persistence(databases)
        except OperationalError:
            return []


class PersonDescription(models.Model):
    """The fields that describe a person, the same on every model that counts people.

    Everything is optional here (a concern may be anonymous and say nothing about its author); a model that
    must know more says so with a constraint, as `Registration` does. `has_disability` and `disability` are
    computed by the database from the six answers, so reports aggregate them in SQL.
    """

    gender = models.CharField(_("gender"), max_length=20, choices=Gender, blank=True)
    age_group = models.CharField(_("age group"), max_length=20, choices=AgeGroup, blank=True)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role, blank=True)
    province = models.ForeignKey(
        "events.Province",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("province"),
        null=True,
        blank=True,
    )
    district = models.ForeignKey(
        "events.District",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("district"),
        null=True,
        blank=True,
    )
    difficulty_seeing = _difficulty_field(_("difficulty seeing"))
    difficulty_hearing = _difficulty_field(_("difficulty hearing"))
    difficulty_walking = _difficulty_field(_("difficulty walking or climbing steps"))
    difficulty_remembering = _difficulty_field(_("difficulty remembering or concentrating"))
    difficulty_self_care = _difficulty_field(_("difficulty with self-care"))
    difficulty_communicating = _difficulty_field(_("difficulty communicating"))
    has_disability = DerivedField(
        expression=_any_domain(SEVERE),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("has a disability"),
    )
    disability = DerivedField(
        expression=Case(
            When(_any_domain(SEVERE), then=Value(DisabilityStatus.YES.value)),
            When(_every_domain(ANSWERED_WITHOUT_SEVERE), then=Value(DisabilityStatus.NO.value)),
            When(_any_domain((Difficulty.UNDISCLOSED.value,)), then=Value(DisabilityStatus.UNDISCLOSED.value)),
            default=Value(DisabilityStatus.UNKNOWN.value),
        ),
        output_field=models.CharField(max_length=20),
        db_persist=True,
        choices=DisabilityStatus,
        verbose_name=_("disability"),
    )

    class Meta:
        abstract = True
