from tests.feedback.conftest import png_bytes, private_media  # noqa: F401 - shared fixtures
