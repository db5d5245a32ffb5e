"""A staff member without a second factor enrols a security key (WebAuthn) and then reaches their work.

Chromium's virtual authenticator (DevTools protocol) stands in for the key: the browser, allauth's JavaScript
and the server's verification are all real.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from accounts.roles import NSSF_STAFF
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_member_enrols_a_security_key_before_anything_else(page, live_server):
    staff = UserFactory(email="key@example.org")
    staff.groups.add(Group.objects.get(name=NSSF_STAFF))
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    # Without a second factor, the queue sends the staff member to enrol (after the password once more).
    page.goto(f"{live_server.url}/en/manage/concerns/")
    assert "2fa%2Ftotp%2Factivate" in page.url, page.url

    page.goto(f"{live_server.url}/en/accounts/2fa/webauthn/add/")
    # allauth asks for the password again before any change to the second factors.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/webauthn/add/")
    page.get_by_label("Name").fill("Office key")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)

    key = Authenticator.objects.get(user=staff, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Office key"
    page.goto(f"{live_server.url}/en/manage/concerns/")
    assert page.url == f"{live_server.url}/en/manage/concerns/"
