"""Whatever a caller posts to the callbacks, with the right secret, the answer is never a server error."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

SECRET = "gateway-secret"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(["message", "callback_query", "text", "chat", "from", "contact", "photo", "voice", "data"])
UPDATE_LIKE = st.recursive(
    st.none() | st.integers() | st.text(max_size=30),
    lambda children: st.dictionaries(KEYS, children, max_size=5) | st.lists(children, max_size=3),
    max_leaves=15,
)
HYPOTHESIS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET


@HYPOTHESIS
@given(body=JSON)
def test_sms_callbacks_never_fail_on_any_json(client, body):
    for url in ("/hooks/sms/inbound/", "/hooks/sms/receipts/"):
        response = client.post(
            url, json.dumps(body), content_type="application/json", headers={"X-Webhook-Secret": SECRET}
        )
        assert response.status_code < 500, (url, body)


@HYPOTHESIS
@given(fields=st.dictionaries(st.sampled_from(["from", "msisdn", "text", "message", "reference", "status"]), st.text()))
def test_sms_callbacks_never_fail_on_any_form(client, fields):
    for url in ("/hooks/sms/inbound/", "/hooks/sms/receipts/"):
        assert client.post(url, fields, headers={"X-Webhook-Secret": SECRET}).status_code < 500, (url, fields)


@HYPOTHESIS
@given(update_id=st.integers(min_value=0, max_value=2**40), content=UPDATE_LIKE, extra=JSON)
def test_telegram_webhook_never_fails_on_any_update(client, update_id, content, extra):
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for body in (
        {"update_id": update_id, "message": content},
        {"update_id": update_id, "callback_query": content},
        extra,
    ):
        response = client.post("/hooks/telegram/", json.dumps(body), content_type="application/json", headers=headers)
        assert response.status_code < 500, body
