import io
import zipfile

import pytest
from PIL import Image


@pytest.fixture
def material_media(settings, tmp_path):
    """Keep stored materials in a temporary private folder, and return it."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def png_bytes():
    return _image_bytes("PNG")


@pytest.fixture
def pdf_bytes():
    """A real one-page PDF, as Pillow writes it."""
    return _image_bytes("PDF")


@pytest.fixture
def pptx_bytes():
    """The entries by which a PowerPoint file is known (a real one has more; these are the ones checked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


@pytest.fixture
def odp_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.presentation", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()
