"""Every redirect whose target comes from the request stays on this site (no open redirect)."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

OUTSIDE = ["https://evil.example.com/phish", "//evil.example.com/phish", "https:/evil.example.com"]


@pytest.mark.parametrize("target", OUTSIDE)
def test_manage_cancel_ignores_next_on_another_host(organizer_client, target):
    registration = RegistrationFactory()
    slug = registration.forum.slug

    response = organizer_client.post(
        reverse("participants:cancel", kwargs={"slug": slug, "pk": registration.pk}),
        {"next": target, "confirm": "yes"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("participants:manage_list", kwargs={"slug": slug})


def test_manage_cancel_follows_next_on_this_site(organizer_client):
    registration = RegistrationFactory()
    check_in = reverse("participants:check_in", kwargs={"slug": registration.forum.slug})

    response = organizer_client.post(
        reverse("participants:cancel", kwargs={"slug": registration.forum.slug, "pk": registration.pk}),
        {"next": check_in, "confirm": "yes"},
    )

    assert response["Location"] == check_in


@pytest.mark.parametrize("target", OUTSIDE)
def test_language_switch_ignores_next_on_another_host(client, target):
    response = client.post(reverse("set_language"), {"language": "km", "next": target})

    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


@pytest.mark.parametrize("target", OUTSIDE)
def test_login_ignores_next_on_another_host(client, organizer, target):
    response = client.post(reverse("account_login"), {"login": organizer.email, "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]
