"""The registration forms ask the six Washington Group questions: required online, optional at the door."""

import re

import pytest
from django.db.models import F
from django.db.models.functions import Collate
from django.urls import reverse
from django.utils import translation

from events import people
from events.models import District, Province
from participants.forms import DistrictChoiceField, RegistrationEditForm, RegistrationForm, WalkInForm
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory, form_data

pytestmark = pytest.mark.django_db

NOT_ANSWERED = dict.fromkeys(people.DIFFICULTY_FIELDS)  # form_data drops None: the questions are left alone


def test_registration_form_requires_every_washington_group_answer():
    form = RegistrationForm(data=form_data(**NOT_ANSWERED), forum=ForumFactory())

    assert not form.is_valid()
    assert sorted(form.errors) == sorted(people.DIFFICULTY_FIELDS)


def test_registration_form_still_requires_gender_age_group_role_and_sector():
    form = RegistrationForm(data=form_data(gender="", age_group="", role="", sector=""), forum=ForumFactory())

    assert not form.is_valid()
    assert sorted(form.errors) == ["age_group", "gender", "role", "sector"]


def test_registration_with_a_lot_of_difficulty_walking_counts_as_a_disability(client):
    forum = ForumFactory()

    client.post(reverse("participants:register", kwargs={"slug": forum.slug}), form_data(difficulty_walking="a_lot"))

    registration = Registration.objects.get()
    assert (registration.difficulty_walking, registration.has_disability, registration.disability) == (
        "a_lot",
        True,
        "yes",
    )


def test_walk_in_form_leaves_unasked_questions_blank(organizer):
    form = WalkInForm(data=form_data(**NOT_ANSWERED), forum=ForumFactory())

    assert form.is_valid(), form.errors
    registration = form.save(walk_in=True, by=organizer)
    assert ([getattr(registration, name) for name in people.DIFFICULTY_FIELDS], registration.disability) == (
        [""] * 6,
        "",
    )


def test_edit_form_keeps_an_old_registration_not_asked():
    registration = RegistrationFactory(**dict.fromkeys(people.DIFFICULTY_FIELDS, ""))
    data = form_data(**dict.fromkeys(people.DIFFICULTY_FIELDS, ""), full_name="Corrected Name")

    form = RegistrationEditForm(data=data, instance=registration)

    assert form.is_valid(), form.errors
    form.save()
    registration.refresh_from_db()
    assert (registration.full_name, registration.disability) == ("Corrected Name", "")


def test_register_page_asks_the_questions_in_the_washington_group_wording(client):
    forum = ForumFactory()

    html = client.get(reverse("participants:register", kwargs={"slug": forum.slug})).content.decode()

    assert "Do you have difficulty seeing, even if wearing glasses?" in html
    radios = re.findall(r'<input type="radio"[^>]* name="(difficulty_\w+)"', html)
    assert sorted(set(radios)) == sorted(people.DIFFICULTY_FIELDS)
    assert len(radios) == 6 * len(people.Difficulty)


@pytest.mark.parametrize("language", ["km", "en"])
def test_districts_are_listed_in_the_order_of_the_page_language(language):
    with translation.override(language):
        groups = [
            (province, [label for _pk, label in districts])
            for province, districts in list(DistrictChoiceField().choices)[1:]
        ]

    name = f"name_{language}"
    # Khmer pages in Khmer collation (ICU's rules for subscripts and vowels), English ones alphabetically.
    order = (lambda column: Collate(column, "km-x-icu")) if language == "km" else F
    provinces = Province.objects.filter(districts__isnull=False).distinct().order_by(order(name))
    assert [province for province, _districts in groups] == list(provinces.values_list(name, flat=True))
    first = District.objects.filter(**{f"province__{name}": groups[0][0]}).order_by(order(name), "pk")
    assert groups[0][1] == list(first.values_list(name, flat=True))
