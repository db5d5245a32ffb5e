"""Attachment checks: the type is judged by the content, never by the name or the browser's claim."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF_TYPE = ("application/pdf", "pdf")
# Voice notes from Telegram: Ogg (Opus). Judged by the container's magic bytes, like the PDF.
VOICE_TYPE = ("audio/ogg", "ogg")


def attachment_validate(upload) -> tuple[str, str]:
    """Return (content type, extension) of an acceptable upload; raise ValidationError otherwise."""
    limit = settings.FEEDBACK_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large. Send a file of at most %(size)s.") % {"size": filesizeformat(limit)}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return PDF_TYPE
    if head[:4] == b"OggS":
        return VOICE_TYPE
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    finally:
        upload.seek(0)
    if kind not in IMAGE_TYPES:
        raise ValidationError(_("Send a photo (JPEG, PNG or WebP) or a PDF document."))
    return IMAGE_TYPES[kind]
