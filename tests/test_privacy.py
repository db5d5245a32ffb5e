"""No personal data in the logs: not while registering, submitting a concern, or delivering messages."""

import logging

import pytest

from feedback.models import Concern
from feedback.services import concern_submit
from participants.services import registration_create
from tests.events.factories import ForumFactory
from tests.participants.factories import registration_data

pytestmark = pytest.mark.django_db(transaction=True)

NAME, PHONE, EMAIL = "Sreypov Chhim", "+85512987654", "sreypov@example.org"
STORY = "My employer kept my maternity allowance"


def test_registration_and_concern_leave_no_personal_data_in_logs(caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    forum = ForumFactory(capacity=1)
    data = registration_data(full_name=NAME, phone=PHONE, email=EMAIL, reminder_channel="email")

    with django_capture_on_commit_callbacks(execute=True):
        registration_create(forum=forum, data=data)
        registration_create(forum=forum, data=registration_data(phone="+85512000111", email=""))
        concern_submit(
            category=Concern.Category.MATERNITY,
            description=STORY,
            contact_name=NAME,
            contact_phone=PHONE,
            contact_email=EMAIL,
            consent_to_contact=True,
        )

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "the flows above are expected to log something (deliveries)"
    for secret in (NAME, PHONE, "12 987 654", EMAIL, STORY):
        assert secret not in logged
