"""Steps that several browser journeys share."""

from allauth.mfa.utils import is_mfa_enabled

from tests.accounts.factories import PASSWORD, totp_code


def log_in(page, live_server, user):
    """Log `user` in through the real login form and wait to leave the log-in pages (each role lands on its
    work list)."""
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if is_mfa_enabled(user):
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
