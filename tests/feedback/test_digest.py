from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail

from accounts.roles import NSSF_STAFF
from feedback.services import staff_digest_queue
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
PP = ZoneInfo("Asia/Phnom_Penh")


def test_staff_digest_once_a_day_from_eight_in_phnom_penh(django_capture_on_commit_callbacks):
    from tests.feedback.factories import ConcernFactory

    staff = UserFactory(email="staff@example.org", language="en")
    staff.groups.add(Group.objects.get(name=NSSF_STAFF))
    UserFactory(email="nobody@example.org")
    day = datetime(2030, 6, 3, 7, 59, tzinfo=PP)
    with time_machine.travel(day - timedelta(hours=2), tick=False):
        ConcernFactory()
    with time_machine.travel(day, tick=False):
        assert staff_digest_queue() == 0
    with time_machine.travel(day + timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert staff_digest_queue() == 1
        assert staff_digest_queue() == 0
    [email] = mail.outbox
    assert email.to == ["staff@example.org"]
    assert email.subject.startswith("Concerns today: 1 new,")
    assert "New concerns since yesterday: 1" in email.body
