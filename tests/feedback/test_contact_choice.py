"""The concern form's one choice about being known: anonymous, or "NSSF may contact me" with a phone or email."""

import re

import pytest
from django.urls import reverse

from events.models import Province
from feedback.models import Concern

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "category": Concern.Category.MATERNITY,
        "description": "My maternity allowance has not been paid for three months.",
        "province": Province.objects.get(name_en="Kampot").pk,
        "website": "",
    }
    data.update(overrides)
    return data


def test_form_offers_one_choice_with_anonymous_preselected_and_the_contact_fields_apart(client):
    page = client.get(reverse("feedback:concern_create")).content.decode()

    choices = re.findall(r'<input type="radio"[^>]*name="contact_choice" value="(\w+)"([^>]*)>', page)
    assert [(value, "checked" in attrs) for value, attrs in choices] == [("anonymous", True), ("contact", False)]
    box = re.search(r'<div id="contact-fields"[^>]*>(.*?)</div>\s*<div id="div_id_attachment"', page, re.DOTALL)
    assert all(f'name="{name}"' in box.group(1) for name in ("contact_name", "contact_phone", "contact_email"))
    assert "Only if NSSF may contact you:" in box.group(1)
    assert '<script src="/static/js/feedback-concern.js"></script>' in page


def test_contact_choice_keeps_the_contact_and_the_consent(client):
    client.post(
        reverse("feedback:concern_create"),
        _data(contact_choice="contact", contact_email="Leak@Example.org", contact_name=""),
    )

    concern = Concern.objects.get()
    assert (concern.anonymous, concern.consent_to_contact, concern.contact_email) == (False, True, "Leak@Example.org")
    assert concern.can_be_contacted


def test_anonymous_choice_with_a_name_is_refused_on_the_choice_itself(client):
    response = client.post(reverse("feedback:concern_create"), _data(contact_choice="anonymous", contact_name="Leak"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "contact_choice": [
            "You chose to stay anonymous: leave your name, phone and email empty, or choose “NSSF may contact me”."
        ]
    }
    assert not Concern.objects.exists()


def test_contact_choice_without_phone_or_email_says_what_is_missing(client):
    response = client.post(reverse("feedback:concern_create"), _data(contact_choice="contact", contact_name="Leak"))

    assert response.context["form"].errors == {
        "contact_phone": ["Give a phone number or an email so that we can contact you."]
    }
    assert not Concern.objects.exists()


def test_an_unknown_choice_is_refused(client):
    response = client.post(reverse("feedback:concern_create"), _data(contact_choice="maybe"))

    assert list(response.context["form"].errors) == ["contact_choice"]
    assert not Concern.objects.exists()
