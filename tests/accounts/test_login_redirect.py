"""After logging in, each role lands on the list where its work starts; a safe `next` still wins."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def _log_in(client, user, *, next_url: str = "") -> str:
    """Log in through allauth's pages (password, then the second factor if enrolled); return where it lands."""
    login = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(login, {"login": user.email, "password": PASSWORD})
    if response.status_code == 302 and response.url == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("organizer", "events:manage_forum_list"),
        ("nssf_staff", "feedback:queue"),
        ("nssf_supervisor", "feedback:queue"),
        ("programme_officer", "reports:index"),
        ("user_without_role", "events:home"),
    ],
)
def test_each_role_lands_on_its_work_list(client, request, who, landing):
    user = request.getfixturevalue(who)

    assert _log_in(client, user) == reverse(landing)


def test_a_safe_next_wins_over_the_work_list(client, organizer):
    wanted = reverse("notifications:overview")

    assert _log_in(client, organizer, next_url=wanted) == wanted


def test_a_next_to_another_site_is_ignored(client, nssf_staff):
    assert _log_in(client, nssf_staff, next_url="https://phishing.example/") == reverse("feedback:queue")
