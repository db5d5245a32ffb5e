"""Properties of the public registration form under any input (Hypothesis; 500 examples each in CI).

Whatever is posted: no unhandled exception (the test client re-raises any), no row unless the form was valid,
and script or SQL text is stored as typed (names in their normal form) and shown escaped, never run.
"""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from forum_portal.khmer import name_clean
from participants.models import Registration
from tests.events.factories import ForumFactory
from tests.hostile import PAYLOADS, SCRIPT, hostile_text
from tests.participants.factories import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(settings):
    # The limits are not under test here; hundreds of examples come from one address and a few numbers.
    settings.PARTICIPANTS_REGISTER_RATE = (10**6, 3600)
    settings.PARTICIPANTS_REGISTER_PER_PHONE_RATE = (10**6, 3600)
    return ForumFactory(capacity=5)


@pytest.fixture
def base_form():
    return form_data()


@st.composite
def registration_posts(draw, base: dict) -> dict:
    """Return POST data: hostile names, phones that are valid or not, and up to three other fields corrupted."""
    data = dict(base)
    data["full_name"] = draw(st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=120)))
    data["organisation"] = draw(hostile_text())
    data["phone"] = draw(st.one_of(st.integers(100000, 999999).map(lambda n: f"012{n}"), hostile_text()))
    for key in draw(st.sets(st.sampled_from(sorted(base)), max_size=3)):
        data[key] = draw(st.one_of(hostile_text(), st.just(None)))
    return {key: value for key, value in data.items() if value is not None}


def test_registration_form_takes_any_input_safely(client, forum, base_form):
    url = reverse("participants:register", kwargs={"slug": forum.slug})

    @given(data=registration_posts(base_form))
    def check(data):
        before = Registration.objects.count()

        response = client.post(url, data)

        assert response.status_code in {302, 400, 409}
        if response.status_code != 302:
            assert Registration.objects.count() == before
            assert SCRIPT not in response.content.decode()
            return
        assert Registration.objects.count() == before + 1
        registration = Registration.objects.latest("pk")
        # Stored as typed, in the one normal form names take (Khmer normalised, zero-width marks out, single spaces).
        assert registration.full_name == name_clean(data["full_name"])
        if SCRIPT in data["full_name"]:
            assert SCRIPT not in client.get(response["Location"]).content.decode()

    check()
