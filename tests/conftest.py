import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.roles import MFA_REQUIRED_ROLES, NSSF_STAFF, NSSF_SUPERVISORS, ORGANIZERS, PROGRAMME_OFFICERS, roles_sync
from forum_portal.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.fakes import FakeHttpServer

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Property tests (Hypothesis): CI (`make test`, .ci/run: HYPOTHESIS_PROFILE=ci) tries 500 inputs per property;
# a plain `pytest` run tries fewer. Examples share one test's database transaction and its client, hence the
# function-scoped fixture check is off; no example database is written into the repository.
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("ci", max_examples=500, **_HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("dev", max_examples=60, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Hash test passwords with MD5: PBKDF2's deliberate slowness, paid for every user a test makes, buys nothing."""
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks inline after commit; tests of the real worker switch this off themselves."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _english():
    """Start every test in English: a request to a /km/ page leaves Khmer active in the thread."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits live in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Restore what data migrations load (provinces, role groups) after a transactional test flushed it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not transactional and "transactional_db" not in request.fixturenames:
        return
    from events.geography import geography_load
    from events.models import District, Province

    if not Province.objects.exists():
        geography_load(province_model=Province, district_model=District)
    if not Group.objects.exists():
        roles_sync()


def _user_with_role(role, *, two_factor=None):
    """Return a new user holding `role`; roles that require two factors get them enrolled unless told not to."""
    user = UserFactory(two_factor=role in MFA_REQUIRED_ROLES if two_factor is None else two_factor)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def organizer(db):
    return _user_with_role(ORGANIZERS)


@pytest.fixture
def nssf_staff(db):
    return _user_with_role(NSSF_STAFF)


@pytest.fixture
def nssf_supervisor(db):
    return _user_with_role(NSSF_SUPERVISORS)


@pytest.fixture
def nssf_staff_without_two_factor(db):
    return _user_with_role(NSSF_STAFF, two_factor=False)


@pytest.fixture
def programme_officer(db):
    return _user_with_role(PROGRAMME_OFFICERS)


@pytest.fixture
def user_without_role(db):
    return _user_with_role(None)


@pytest.fixture
def administrator(db):
    return UserFactory(is_staff=True, is_superuser=True, two_factor=True)


@pytest.fixture
def admin_user(db):
    """pytest-django's administrator (behind `admin_client`), with the second factor administrators need."""
    return UserFactory(email="admin@example.com", is_staff=True, is_superuser=True, two_factor=True)


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def staff_client(client, nssf_staff):
    client.force_login(nssf_staff)
    return client


# Messages: delivered to files or to local fake servers, never to the outside world ------------------


@pytest.fixture
def fake_http():
    with FakeHttpServer() as server:
        yield server


@pytest.fixture
def sms_gateway(fake_http, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "http"
    settings.NOTIFICATIONS_SMS_GATEWAY_URL = f"{fake_http.url}/send"
    settings.NOTIFICATIONS_SMS_GATEWAY_USERNAME = "portal"
    settings.NOTIFICATIONS_SMS_GATEWAY_PASSWORD = "s3cret"
    settings.NOTIFICATIONS_SMS_SENDER_ID = "NSSF"
    return fake_http


@pytest.fixture
def telegram_api(fake_http, settings):
    settings.TELEGRAM_BOT_TOKEN = "123:TEST"
    settings.TELEGRAM_BOT_USERNAME = "forum_test_bot"
    settings.TELEGRAM_API_BASE = fake_http.url
    return fake_http


@pytest.fixture(autouse=True)
def _message_settings(settings, tmp_path):
    """SMS to files in a temporary folder, quick retries; each test changes what it needs."""
    settings.NOTIFICATIONS_SMS_BACKEND = "file"
    settings.NOTIFICATIONS_SMS_FILE_DIR = str(tmp_path / "sms")
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_BOT_USERNAME = ""


@pytest.fixture(autouse=True)
def _public_page_cache_off(settings):
    """Render public pages on every request: most tests change a forum and look again inside one transaction, where
    the cache's invalidation (on commit) never runs. tests/forum_portal/test_pagecache.py turns it on."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
