"""Browser journeys in Debian's Chromium, driven by Playwright (never a downloaded browser)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True, scope="package")
def _allow_orm_beside_playwright():
    """Let the browser tests use the ORM while Playwright's sync API keeps an event loop in the thread.

    Only these tests: elsewhere Django's "you cannot call this from an async context" guard stays on. Package
    scope, because pytest-django flushes the database after each test outside any function-scoped fixture.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def pytest_collection_modifyitems(config, items):
    # Playwright's event loop stays in the thread until the session ends, so nothing may run after the browser
    # tests without the guard above tripping: they run last (a stable sort keeps every other order).
    items.sort(key=lambda item: "browser" in item.keywords)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM}")
    marker = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(marker)


@pytest.fixture(scope="session")
def playwright(django_db_setup, playwright):
    """Start Playwright once the test database exists: creating it beside Playwright's event loop would trip the
    guard, and the package fixture above is set up only after the session's fixtures."""
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def phone_page(browser):
    """A page the size of a small phone screen."""
    context = browser.new_context(viewport=PHONE, locale="km-KH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
