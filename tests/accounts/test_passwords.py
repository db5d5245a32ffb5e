import pytest
from django.contrib.auth.hashers import get_hasher

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_tests_hash_passwords_with_the_fast_hasher():
    user = UserFactory()

    assert get_hasher().algorithm == "md5"
    assert user.password.startswith("md5$")
    assert user.check_password(PASSWORD)
