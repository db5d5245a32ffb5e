import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.roles import NSSF_STAFF, NSSF_SUPERVISORS, ORGANIZERS
from forum_portal.celery import app as celery_app
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks inline after commit; tests of the real worker switch this off themselves."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits live in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def _user_with_role(role):
    user = UserFactory()
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
def user_without_role(db):
    return _user_with_role(None)


@pytest.fixture
def administrator(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def staff_client(client, nssf_staff):
    client.force_login(nssf_staff)
    return client
