"""What people type in Khmer is understood: Khmer digits, zero-width spaces, marks typed in another order."""

import pytest
from django.urls import reverse
from django.utils import translation

from participants.models import Registration
from participants.selectors import registration_search_q, registrations_roster
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory, form_data

pytestmark = pytest.mark.django_db


def _register_url(forum, language="km"):
    with translation.override(language):
        return reverse("participants:register", kwargs={"slug": forum.slug})


def test_registration_with_khmer_digits_in_the_phone_is_a_duplicate_of_the_ascii_one(client):
    forum = ForumFactory()
    RegistrationFactory(forum=forum, phone="+85512345678")

    response = client.post(_register_url(forum, "en"), form_data(phone="០១២ ៣៤៥ ៦៧៨", full_name="Someone"))

    assert response.status_code == 409
    assert "You are already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_phone_and_nssf_number_typed_in_khmer_digits_are_stored_in_ascii(client):
    forum = ForumFactory()

    response = client.post(
        _register_url(forum), form_data(phone="០១២ ៣៤៥ ៦៧៨", nssf_member="on", nssf_number="១២៣ ៤៥៦")
    )

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.phone, registration.nssf_number) == ("+85512345678", "123456")


def test_a_name_typed_with_a_zero_width_space_is_stored_without_it_and_found_either_way(client):
    forum = ForumFactory()

    client.post(_register_url(forum), form_data(full_name="សុខ\u200bសុភា"))

    registration = Registration.objects.get()
    assert registration.full_name == "សុខសុភា"
    found = Registration.objects.filter(registration_search_q("សុខ\u200bសុភា"))
    assert list(found) == [registration]
    assert list(Registration.objects.filter(registration_search_q("សុខសុភា"))) == [registration]


def test_a_name_with_marks_typed_in_another_order_is_one_name():
    forum = ForumFactory()
    # ស្រីពៅ typed vowel first (ស + ី + ្ + រ), as some keyboards let people do.
    registration = RegistrationFactory(forum=forum, full_name="ស\u17d2\u179a\u17b8ពៅ")

    found = Registration.objects.filter(registration_search_q("ស\u17b8\u17d2\u179aពៅ"))

    assert list(found) == [registration]


def test_search_by_phone_and_code_typed_in_khmer_digits():
    forum = ForumFactory()
    registration = RegistrationFactory(forum=forum, phone="+85512345678", code="ACDE3467FG")

    assert list(Registration.objects.filter(registration_search_q("០១២ ៣៤៥ ៦៧៨"))) == [registration]
    assert list(Registration.objects.filter(registration_search_q("acde៣-៤៦៧fg"))) == [registration]


def test_names_follow_khmer_collation_on_khmer_pages():
    forum = ForumFactory()
    # ក (ka) < ខ (kha) < គ (ko) < ច (ca) in the Khmer alphabet, and កំ before កោ (code points say otherwise).
    for name in ("ចាន់ ថា", "គឹម សុខា", "កោះ សុភា", "ខៀវ សំណាង", "កំ ណាង"):
        RegistrationFactory(forum=forum, full_name=name)

    with translation.override("km"):
        names = [row["name"] for row in registrations_roster(forum=forum)]

    assert names == ["កំ ណាង", "កោះ សុភា", "ខៀវ សំណាង", "គឹម សុខា", "ចាន់ ថា"]
    assert names != sorted(names)


def test_seat_target_minimum_typed_in_khmer_digits(organizer_client):
    forum = ForumFactory()
    url = reverse("participants:targets", kwargs={"slug": forum.slug})

    response = organizer_client.post(url, {"group": "gender:woman", "minimum": "៤០", "unit": "percent"})

    assert response.status_code == 302
    assert forum.seat_targets.get().minimum == 40
