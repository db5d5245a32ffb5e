import io

import pytest
from django.utils import translation
from PIL import Image

from tests.events.factories import ForumFactory


@pytest.fixture
def forum(db):
    return ForumFactory(slug="svay-rieng-forum", title="Regional Forum in Svay Rieng")


@pytest.fixture
def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def _english():
    """Run in English whatever an earlier test left active: URLs get /en/ and messages read as asserted."""
    with translation.override("en"):
        yield
