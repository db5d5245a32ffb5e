"""The shared vocabulary for people: the Washington Group cut-off computed by the database, the wording of the
questions, and figures that cross registrations with concerns."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Value
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import people
from events.models import Province
from feedback.models import Concern
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

D = people.Difficulty
NOT_ASKED = dict.fromkeys(people.DIFFICULTY_FIELDS, "")
ALL_NONE = dict.fromkeys(people.DIFFICULTY_FIELDS, D.NONE)
ANSWERS = st.sampled_from(["", *D.values])


def _expected(answers: dict) -> tuple[bool, str]:
    """The Washington Group's rule, written out plainly: the oracle the database's computation must match."""
    values = list(answers.values())
    if any(value in ("a_lot", "cannot") for value in values):
        return True, "yes"
    if all(value in ("none", "some") for value in values):
        return False, "no"
    if "undisclosed" in values:
        return False, "undisclosed"
    return False, ""


def _computed(model, pk) -> tuple[bool, str]:
    return tuple(model.objects.filter(pk=pk).values_list("has_disability", "disability").get())


@pytest.mark.parametrize("domain", people.DIFFICULTY_FIELDS)
@pytest.mark.parametrize("answer", [D.A_LOT, D.CANNOT])
def test_has_disability_true_with_a_lot_of_difficulty_or_cannot_in_any_one_domain(domain, answer):
    registration = RegistrationFactory(**{domain: answer})

    assert _computed(Registration, registration.pk) == (True, "yes")


def test_has_disability_false_with_some_difficulty_in_every_domain():
    concern = ConcernFactory(**dict.fromkeys(people.DIFFICULTY_FIELDS, D.SOME))

    assert _computed(Concern, concern.pk) == (False, "no")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (NOT_ASKED, (False, "")),
        ({**NOT_ASKED, "difficulty_hearing": D.NONE}, (False, "")),  # one answer of six says nothing yet
        (
            {**dict.fromkeys(people.DIFFICULTY_FIELDS, D.NONE), "difficulty_seeing": D.UNDISCLOSED},
            (False, "undisclosed"),
        ),
        ({**dict.fromkeys(people.DIFFICULTY_FIELDS, D.UNDISCLOSED), "difficulty_self_care": D.CANNOT}, (True, "yes")),
    ],
)
def test_disability_status_tells_not_asked_and_declined_apart_from_no(answers, expected):
    concern = ConcernFactory(**answers)

    assert _computed(Concern, concern.pk) == expected


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.fixed_dictionaries(dict.fromkeys(people.DIFFICULTY_FIELDS, ANSWERS)))
def test_database_derivation_matches_the_washington_group_rule_for_any_answers(answers, db):
    registration = RegistrationFactory()
    concern = ConcernFactory()
    Registration.objects.filter(pk=registration.pk).update(**answers)
    Concern.objects.filter(pk=concern.pk).update(**answers)

    assert _computed(Registration, registration.pk) == _expected(answers)
    assert _computed(Concern, concern.pk) == _expected(answers)


def test_saving_a_registration_returns_the_computed_fields_at_once():
    registration = RegistrationFactory(difficulty_walking=D.A_LOT)

    assert (registration.has_disability, registration.disability) == (True, "yes")


@pytest.mark.parametrize("language", ["en", "km"])
def test_questions_and_their_introduction_never_say_disability(language):
    from django.template.loader import render_to_string

    with translation.override(language):
        texts = [str(question) for question in people.DIFFICULTY_QUESTIONS.values()]
        texts.append(render_to_string("includes/_difficulty_intro.html"))
        texts.append(render_to_string("feedback/_about_you_intro.html"))
        texts += [str(label) for label in D.labels]

    assert [text for text in texts if "disab" in text.lower() or "ពិការ" in text] == []


def test_registration_and_concern_share_one_definition_of_each_field():
    for name in ("gender", "age_group", "sector", "role", *people.DIFFICULTY_FIELDS):
        registration_field = Registration._meta.get_field(name)
        concern_field = Concern._meta.get_field(name)
        assert (registration_field.choices, registration_field.max_length) == (
            concern_field.choices,
            concern_field.max_length,
        )
    assert Registration.Sector is Concern.Sector is people.Sector


def _by_sector_and_gender(model, source: str):
    return (
        model.objects.order_by()
        .values("sector", "gender")
        .annotate(source=Value(source), people=Count("pk"))
        .values_list("source", "sector", "gender", "people")
    )


def test_registrations_and_concerns_cross_tabulate_by_sector_and_gender_in_one_query(django_assert_num_queries):
    forum = ForumFactory()
    RegistrationFactory.create_batch(3, forum=forum, sector=people.Sector.GARMENT, gender=people.Gender.WOMAN)
    RegistrationFactory(forum=forum, sector=people.Sector.GARMENT, gender=people.Gender.MAN)
    RegistrationFactory(forum=forum, sector=people.Sector.FARMING, gender=people.Gender.WOMAN)
    ConcernFactory.create_batch(2, sector=people.Sector.GARMENT, gender=people.Gender.WOMAN)
    ConcernFactory(sector=people.Sector.FARMING, gender=people.Gender.WOMAN)
    ConcernFactory(sector="", gender="")  # an anonymous concern that said nothing about its author

    with django_assert_num_queries(1):
        rows = list(
            _by_sector_and_gender(Registration, "registrations")
            .union(_by_sector_and_gender(Concern, "concerns"), all=True)
            .order_by("source", "sector", "gender")
        )

    assert rows == [
        ("concerns", "", "", 1),
        ("concerns", "farming", "woman", 1),
        ("concerns", "garment", "woman", 2),
        ("registrations", "farming", "woman", 1),
        ("registrations", "garment", "man", 1),
        ("registrations", "garment", "woman", 3),
    ]


# --- Data migrations ----------------------------------------------------------------------------------------------

BEFORE = [("participants", "0003_reminder_settings"), ("feedback", "0003_concern_received_index")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrations_map_old_values_and_keep_the_old_disability_answer_apart():
    forum = ForumFactory()
    province = Province.objects.get(name_en="Kampot")
    latest = [(app, MigrationExecutor(connection).loader.graph.leaf_nodes(app)[0][1]) for app, _name in BEFORE]
    old = _migrate(BEFORE)
    today = timezone.now()
    dates = {"acknowledge_due": today.date(), "response_due": today.date(), "resolve_due": today.date()}
    OldConcern = old.get_model("feedback", "Concern")
    for n, (sector, role) in enumerate(
        [("hospitality", "union"), ("agriculture", "civil_society"), ("garment", "worker"), ("", "")]
    ):
        OldConcern.objects.create(
            tracking_code=f"OLD{n}", category="other", description="An old concern.", sector=sector,
            submitter_role=role, gender="another", province_id=province.pk, **dates,
        )  # fmt: skip
    old.get_model("participants", "Registration").objects.create(
        forum_id=forum.pk, code="OLDCODE1", full_name="Old Person", gender="woman", age_group="25_34",
        disability="yes", role="workers_rep", sector="tourism", province_id=province.pk, phone="+85512000001",
    )  # fmt: skip

    _migrate(latest)

    concerns = Concern.objects.filter(tracking_code__startswith="OLD").order_by("tracking_code")
    assert list(concerns.values_list("sector", "role", "gender")) == [
        ("tourism", "workers_rep", "another"),
        ("farming", "cso", "another"),
        ("garment", "worker", "another"),
        ("", "", "another"),
    ]
    registration = Registration.objects.get(code="OLDCODE1")
    asked = [getattr(registration, name) for name in people.DIFFICULTY_FIELDS]
    assert (registration.legacy_disability_answer, asked, registration.has_disability, registration.disability) == (
        "yes",
        [""] * 6,
        False,
        "",
    )
