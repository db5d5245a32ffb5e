"""The concern form asks about its author in a folded, optional "About you" section."""

import re

import pytest
from django.urls import reverse

from events import people
from events.models import Province
from feedback.forms import ConcernForm
from feedback.models import Concern

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "category": Concern.Category.MATERNITY,
        "description": "My maternity allowance has not been paid for three months.",
        "province": Province.objects.get(name_en="Kampot").pk,
        "contact_choice": "anonymous",
    }
    data.update(overrides)
    return data


def test_concern_form_accepts_no_answer_about_the_author():
    form = ConcernForm(data=_data())

    assert form.is_valid(), form.errors
    concern = form.save(language="en")
    described = ["gender", "age_group", "sector", "role", *people.DIFFICULTY_FIELDS]
    assert ([getattr(concern, name) for name in described], concern.has_disability, concern.disability) == (
        [""] * 10,
        False,
        "",
    )


def test_concern_form_stores_what_the_author_says_about_themselves():
    answers = {
        "gender": "woman",
        "age_group": "45_54",
        "sector": "transport",
        "role": "worker",
        **dict.fromkeys(people.DIFFICULTY_FIELDS, "none"),
        "difficulty_hearing": "cannot",
    }
    form = ConcernForm(data=_data(**answers))

    assert form.is_valid(), form.errors
    concern = form.save(language="en")
    assert {name: getattr(concern, name) for name in answers} == answers
    assert (concern.has_disability, concern.disability) == (True, "yes")


def test_concern_page_folds_about_you_into_a_closed_details_section(client):
    html = client.get(reverse("feedback:concern_create")).content.decode()

    section = re.search(r"<details([^>]*)>(.*?)</details>", html, re.DOTALL)
    assert section is not None
    attributes, inside = section.groups()
    assert "open" not in attributes
    assert "About you (optional)" in inside
    for name in ("gender", "age_group", "sector", "role", *people.DIFFICULTY_FIELDS):
        assert f'name="{name}"' in inside, name
    assert "Using your usual language, do you have difficulty communicating" in inside


def test_concern_page_opens_about_you_when_an_answer_there_is_wrong(client):
    response = client.post(reverse("feedback:concern_create"), _data(difficulty_seeing="maybe", website=""))

    assert re.search(r"<details[^>]* open>", response.content.decode())
    assert not Concern.objects.exists()
