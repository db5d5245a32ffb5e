"""Two factors where staff data is: required for staff roles and administrators, and for /admin/ too."""

import logging
from collections import defaultdict

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from accounts.roles import MFA_REQUIRED_ROLES, ORGANIZERS
from tests.accounts.factories import PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db


def _staff_urls():
    """Return a path for every organizer and staff page (manage/ and admin/); the objects need not exist."""
    sample = defaultdict(
        lambda: "x", pk="1", object_id="1", app_label="accounts", action="close"
    )  # an action of forums and of concerns
    urls = set()
    resolver = get_resolver()
    for namespace, (prefix, sub) in resolver.namespace_dict.items():
        for key in sub.reverse_dict:
            if not isinstance(key, str):
                continue
            text, params = sub.reverse_dict.getlist(key)[0][0][0][:2]
            if "manage/" in text or namespace == "admin":
                urls.add("/" + prefix + text % {p: sample[p] for p in params})
    return sorted(urls)


@pytest.mark.parametrize("role", [*MFA_REQUIRED_ROLES, "administrator"])
def test_staff_without_two_factor_reaches_only_enrolment(client, role):
    if role == "administrator":
        user = UserFactory(is_staff=True, is_superuser=True)
    else:
        user = UserFactory()
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    urls = _staff_urls()
    assert len(urls) > 30, urls

    for url in urls:
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, reverse("mfa_activate_totp")), url

    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)


def test_organizer_without_two_factor_works_unless_the_setting_requires_it(client, organizer, settings):
    client.force_login(organizer)
    assert client.get(reverse("events:manage_forum_list")).status_code == 200

    settings.ACCOUNTS_MFA_REQUIRED_FOR_ORGANIZERS = True

    response = client.get(reverse("events:manage_forum_list"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_superuser_with_totp_cannot_reach_admin_with_password_alone(client):
    admin = UserFactory(is_staff=True, is_superuser=True, two_factor=True)

    admin_login = client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD})
    portal_login = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    admin_page = client.get(reverse("admin:index"), follow=True)

    assert admin_login.status_code == 302 and admin_login["Location"].startswith(reverse("account_login"))
    assert portal_login["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    # The admin sends to allauth's login, which is still waiting for the second factor.
    assert admin_page.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert b"Site administration" not in admin_page.content


def test_superuser_reaches_admin_with_both_factors(client):
    admin = UserFactory(is_staff=True, is_superuser=True, two_factor=True)

    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert client.session["_auth_user_id"] == str(admin.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_session_ends_after_idle_time(client, nssf_staff, settings):
    settings.ACCOUNTS_SESSION_IDLE_SECONDS = 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(nssf_staff)
        assert client.get(reverse("feedback:queue")).status_code == 200
    with time_machine.travel(start + timezone.timedelta(minutes=29), tick=False):
        assert client.get(reverse("feedback:queue")).status_code == 200
        assert client.cookies["sessionid"]["max-age"] == ""  # no expiry date: gone when the browser closes
    with time_machine.travel(start + timezone.timedelta(minutes=60), tick=False):
        response = client.get(reverse("feedback:queue"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_security_events_carry_user_ids_not_emails(client, caplog, nssf_staff):
    caplog.set_level(logging.INFO, logger="forum_portal.security")
    organizer = UserFactory()
    organizer.groups.add(Group.objects.get(name=ORGANIZERS))

    client.post(reverse("account_login"), {"login": nssf_staff.email, "password": "wrong-password"})
    client.post(reverse("account_login"), {"login": nssf_staff.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    other = Client()
    other.post(reverse("account_login"), {"login": organizer.email, "password": PASSWORD})
    other.get(reverse("feedback:queue"))

    messages = [r.getMessage() for r in caplog.records if r.name == "forum_portal.security"]
    assert f"security event=login_failed user_id={nssf_staff.pk} view=account_login" in messages
    assert f"security event=mfa_failed user_id={nssf_staff.pk} view=mfa_authenticate" in messages
    assert f"security event=login user_id={organizer.pk} view=account_login" in messages
    assert f"security event=permission_denied user_id={organizer.pk} view=feedback:queue" in messages
    logged = "\n".join(messages)
    for secret in (nssf_staff.email, organizer.email, nssf_staff.full_name, organizer.full_name):
        assert secret not in logged


def test_password_reset_is_a_security_event(client, caplog, organizer):
    import re

    from django.core import mail

    caplog.set_level(logging.INFO, logger="forum_portal.security")
    client.post(reverse("account_reset_password"), {"email": organizer.email})
    link = re.search(r"https?://[^/]+(/\S+/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    set_password = client.get(link)["Location"]

    client.post(set_password, {"password1": "a-new-long-passphrase-9", "password2": "a-new-long-passphrase-9"})

    messages = [r.getMessage() for r in caplog.records if r.name == "forum_portal.security"]
    assert f"security event=password_reset user_id={organizer.pk} view=account_reset_password_from_key" in messages
    assert organizer.email not in "\n".join(messages)
