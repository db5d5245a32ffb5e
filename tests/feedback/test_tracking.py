"""A concern's stable tracking link: what it shows, what it keeps out of logs and referrers, and its limits."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Province
from feedback import services
from feedback.models import Concern
from feedback.tracking import concern_from_track_token, concern_track_token, concern_track_url
from notifications.models import Message
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status


def _link(concern) -> str:
    return reverse("feedback:concern_track_link", kwargs={"token": concern_track_token(concern=concern)})


def test_link_shows_status_and_answer_without_a_form_to_post(client):
    concern = ConcernFactory(
        status=Status.RESPONDED, public_response="NSSF paid on 3 March.", responded_at=timezone.now()
    )

    response = client.get(_link(concern))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["concern"] == concern
    assert "NSSF paid on 3 March." in page and "Responded" in page
    assert concern.description not in page and "Srey Leak" not in page
    assert 'name="code"' not in page


def test_link_is_stable_and_carries_neither_the_code_nor_anything_guessable(client):
    concern = ConcernFactory()

    first, again = concern_track_token(concern=concern), concern_track_token(concern=concern)

    assert first == again
    assert concern.tracking_code not in first and concern.display_code not in first
    assert re.fullmatch(r"[0-9a-z]+\.[A-Za-z0-9_-]{22}", first)
    assert client.get(_link(concern)).status_code == client.get(_link(concern)).status_code == 200


def test_link_page_sends_no_path_in_referrers_and_is_not_stored(client):
    response = client.get(_link(ConcernFactory()))

    assert response["Referrer-Policy"] == "strict-origin"
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "token",
    ["1.forged", "", "zzzzzzzzzzzzzzzzzzzzzzzz.x", "not-a-token", "1"],
)
def test_forged_or_malformed_token_is_not_found(client, token):
    concern = ConcernFactory()
    forged = token.replace("1.", f"{concern.pk}.") if token.startswith("1.") else token

    assert concern_from_track_token(token=forged) is None
    if forged:
        assert client.get(reverse("feedback:concern_track_link", kwargs={"token": forged})).status_code == 404


def test_token_of_one_concern_does_not_open_another(client):
    mine, other = ConcernFactory(), ConcernFactory()
    _pk, digest = concern_track_token(concern=mine).split(".")
    borrowed = f"{concern_track_token(concern=other).split('.')[0]}.{digest}"

    assert client.get(reverse("feedback:concern_track_link", kwargs={"token": borrowed})).status_code == 404


def test_links_sent_before_a_key_rotation_still_work(client, settings):
    concern = ConcernFactory()
    old = _link(concern)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-" + "x" * 20

    assert client.get(old).status_code == 200
    assert _link(concern) != old


def test_link_lookups_share_the_tracking_forms_rate_limit(client, settings):
    concern = ConcernFactory()
    limit = settings.FEEDBACK_TRACK_RATE[0]
    for n in range(limit - 1):
        assert client.post(reverse("feedback:concern_track"), {"code": f"AAAA{n:04d}"}).status_code == 400
    assert client.get(_link(concern)).status_code == 200

    response = client.get(_link(concern))

    assert response.status_code == 429
    assert "Srey Leak" not in response.content.decode()


def test_receipt_track_button_carries_the_link(client):
    data = {
        "category": Concern.Category.MATERNITY,
        "description": "My maternity allowance has not been paid for three months.",
        "province": Province.objects.get(name_en="Kampot").pk,
        "contact_choice": "anonymous",
        "website": "",
    }
    response = client.post(reverse("feedback:concern_create"), data, follow=True)

    concern = Concern.objects.get()
    page = response.content.decode()
    button = re.search(r'<a class="btn btn-primary" href="([^"]+)" data-testid="track-link">', page)
    assert button.group(1) == _link(concern)
    assert response["Referrer-Policy"] == "strict-origin"


def test_tracking_form_result_gives_the_link_to_keep(client):
    concern = ConcernFactory()

    response = client.post(reverse("feedback:concern_track"), {"code": concern.display_code})

    assert f'href="{_link(concern)}"' in response.content.decode()
    assert response["Referrer-Policy"] == "strict-origin"


def test_messages_to_the_submitter_give_the_link(nssf_staff, django_capture_on_commit_callbacks):
    concern = ConcernFactory(language="km")
    services.concern_transition(concern=concern, to_status=Status.ACKNOWLEDGED, actor=nssf_staff)

    message = Message.objects.get(purpose="concern_acknowledged")

    assert message.context["track_url"] == concern_track_url(concern=concern, language="km")
    assert message.context["track_url"].startswith("http://127.0.0.1:8000/km/concerns/track/")
    assert concern.tracking_code not in message.context["track_url"]


def test_status_reply_by_sms_gives_the_link():
    concern = ConcernFactory(language="en")

    assert services.concern_status_reply(phone="+85512000000", text=concern.display_code, language="en")

    message = Message.objects.get(purpose="concern_status")
    assert message.context["track_url"] == concern_track_url(concern=concern, language="en")
