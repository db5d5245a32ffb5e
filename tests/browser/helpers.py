"""Steps that several browser journeys share."""

from tests.accounts.factories import PASSWORD


def log_in(page, live_server, user):
    """Log `user` in through the real login form and wait for the home page."""
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/en/")
