"""Writes for accounts: a staff member's own settings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User


def user_language_set(*, user: User, language: str) -> User:
    """Set the language of the emails and digests the portal sends `user`; raise ValidationError if unknown."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose Khmer or English."))
    user.language = language
    user.save(update_fields=["language"])
    return user
