"""Private files: concern attachments, organizers' forum materials. Never at a public address.

Files live under settings.PRIVATE_MEDIA_ROOT (read at each use, so tests can point it elsewhere) and have no
URL: views that check who asks serve them.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, outside every public path, with no URL."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    """Return the private storage (a callable, so a model field's migration does not freeze a path)."""
    return PrivateStorage()
