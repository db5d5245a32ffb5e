import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_role_groups_hold_exactly_their_permissions():
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(names), role


def test_public_signup_is_closed(client):
    response = client.get(reverse("account_signup"))

    assert "Sign Up Closed" in response.content.decode()


def test_staff_logs_in_with_email(client, organizer):
    from tests.accounts.factories import PASSWORD

    response = client.post(reverse("account_login"), {"login": organizer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(organizer.pk)


def test_staff_can_open_two_factor_setup(client, nssf_staff_without_two_factor):
    nssf_staff = nssf_staff_without_two_factor
    from tests.accounts.factories import PASSWORD

    client.post(reverse("account_login"), {"login": nssf_staff.email, "password": PASSWORD})
    # allauth asks for the password again before security changes.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    assert response.context["form"].secret
    assert "otpauth://totp/" in response.context["totp_url"]
