import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Reverse URLs in English: a request to /km/ leaves Khmer active in the thread for the next test."""
    translation.activate("en")
    yield
    translation.activate("en")
