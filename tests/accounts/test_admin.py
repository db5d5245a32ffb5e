import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_emails_a_password_link_to_new_staff(client, administrator):
    new_staff = UserFactory(email="sreymom@example.org")
    new_staff.set_unusable_password()
    new_staff.save()
    client.force_login(administrator)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_link", "_selected_action": [new_staff.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["sreymom@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:events_forum_changelist",
        "admin:events_forumseries_changelist",
        "admin:events_province_changelist",
        "admin:events_district_changelist",
        "admin:events_speaker_changelist",
    ],
)
def test_admin_lists_open_for_administrators(client, administrator, url_name):
    client.force_login(administrator)

    response = client.get(reverse(url_name), {"q": "Svay"})

    assert response.status_code == 200
