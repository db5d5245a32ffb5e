import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts.roles import NSSF_STAFF
from feedback.services import staff_digest_queue
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_member_chooses_the_language_of_their_emails(client):
    user = UserFactory(language="en")
    client.force_login(user)
    url = reverse("accounts:language")

    page = client.get(url)
    saved = client.post(url, {"language": "km"})
    refused = client.post(url, {"language": "fr"})

    assert re.search(r'value="en"[^>]*checked', page.content.decode())
    assert saved.status_code == 302
    assert refused.status_code == 400
    user.refresh_from_db()
    assert user.language == "km"


def test_staff_digest_is_written_in_each_members_language(django_capture_on_commit_callbacks):
    from tests.feedback.factories import ConcernFactory

    for email, language in (("km@example.org", "km"), ("en@example.org", "en")):
        UserFactory(email=email, language=language).groups.add(Group.objects.get(name=NSSF_STAFF))
    day = datetime(2030, 6, 3, 9, 0, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    with time_machine.travel(day, tick=False):
        ConcernFactory()
        with django_capture_on_commit_callbacks(execute=True):
            assert staff_digest_queue() == 2

    subjects = {email.to[0]: email.subject for email in mail.outbox}
    assert subjects["en@example.org"].startswith("Concerns today")
    assert subjects["km@example.org"].startswith("កង្វល់ថ្ងៃនេះ")
    bodies = {email.to[0]: email.body for email in mail.outbox}
    assert "/km/manage/concerns/" in bodies["km@example.org"]
