"""The words of a select's empty entry, in the reader's language."""

from django.db.models import fields
from django.utils.translation import gettext_lazy as _

# Django's "- Select an option -" has no Khmer translation, so Khmer pages showed it in English.
BLANK_CHOICE_LABEL = _("Choose one")


def blank_choice_label_install() -> None:
    """Make every model-backed select (choices and foreign keys alike) offer BLANK_CHOICE_LABEL as its empty entry.

    Django reads `fields.BLANK_CHOICE_LABEL` each time it builds a form field, and documents overriding it from an
    app's ready(); call this there.
    """
    fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
