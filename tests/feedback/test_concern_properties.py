"""Properties of the public concern form and the tracking lookup under any input (Hypothesis; 500 examples
each in CI): no unhandled exception, no row from invalid input, script and SQL text stored inert."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from events.models import Province
from feedback.models import Concern
from tests.feedback.factories import ConcernFactory
from tests.hostile import PAYLOADS, SCRIPT, hostile_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlimited(settings):
    # The limits are not under test here; hundreds of examples come from one address.
    settings.FEEDBACK_SUBMIT_RATE = (10**6, 3600)
    settings.FEEDBACK_SUBMIT_PER_PHONE_RATE = (10**6, 3600)
    settings.FEEDBACK_TRACK_RATE = (10**6, 3600)
    settings.FEEDBACK_TRACK_PER_CODE_RATE = (10**6, 600)


@pytest.fixture
def base_form():
    return {
        "category": Concern.Category.MATERNITY,
        "description": "My maternity allowance has not been paid for three months.",
        "province": str(Province.objects.get(name_en="Kampot").pk),
        "sector": "garment",
        "gender": "woman",
        "contact_name": "Srey Leak",
        "contact_phone": "092 345 678",
        "contact_choice": "contact",
        "website": "",
    }


@st.composite
def concern_posts(draw, base: dict) -> dict:
    """Return POST data: a hostile description and contact name, and up to three other fields corrupted."""
    data = dict(base)
    data["description"] = draw(st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=500)))
    data["contact_name"] = draw(hostile_text())
    for key in draw(st.sets(st.sampled_from(sorted(base)), max_size=3)):
        data[key] = draw(st.one_of(hostile_text(), st.just(None)))
    for flag in ("contact_choice", "sensitive"):
        if draw(st.booleans()):
            data[flag] = draw(st.sampled_from(["on", "true", "1", *PAYLOADS[:3]]))
    return {key: value for key, value in data.items() if value is not None}


def test_concern_form_takes_any_input_safely(client, unlimited, base_form):
    url = reverse("feedback:concern_create")

    @given(data=concern_posts(base_form))
    def check(data):
        before = Concern.objects.count()

        response = client.post(url, data)

        assert response.status_code in {302, 400}
        if response.status_code == 400:
            assert Concern.objects.count() == before
            assert SCRIPT not in response.content.decode()
            return
        assert Concern.objects.count() == before + 1
        concern = Concern.objects.latest("pk")
        assert concern.description == data["description"].strip()
        if SCRIPT in data["description"]:
            page = client.get(response["Location"]).content.decode()
            assert SCRIPT not in page

    check()


# Characters people type between or around the ten of a code: spaces, dashes, dots, Khmer punctuation.
SEPARATORS = st.sampled_from(["", " ", "-", "  ", ".", "\u00a0", "\u17d4"])


def test_tracking_lookup_takes_any_input_safely(client, unlimited):
    concern = ConcernFactory()
    url = reverse("feedback:concern_track")

    @given(code=st.one_of(hostile_text(), st.text(alphabet="ABCDEFGHJKMNPQRSTUVWXYZ23456789-", max_size=14)))
    def check(code):
        before = Concern.objects.count()

        response = client.post(url, {"code": code})

        assert response.status_code in {200, 400}
        assert Concern.objects.count() == before
        page = response.content.decode()
        assert SCRIPT not in page
        if response.status_code == 200:
            # Found only by its own code (however written), so no other concern can be read.
            assert concern.display_code in page

    check()


def test_tracking_lookup_finds_a_code_however_it_is_written(client, unlimited):
    concern = ConcernFactory()
    url = reverse("feedback:concern_track")
    code = concern.tracking_code

    @given(lower=st.booleans(), separator=SEPARATORS, padding=st.sampled_from(["", " ", "  "]))
    def check(lower, separator, padding):
        written = f"{padding}{code[:5]}{separator}{code[5:]}{padding}"
        response = client.post(url, {"code": written.lower() if lower else written})

        assert response.status_code == 200
        assert concern.display_code in response.content.decode()

    check()
