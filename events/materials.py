"""Material checks: a file's type is judged by its content, never by its name or the browser's claim."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF_TYPE = ("application/pdf", "pdf")
PPTX_TYPE = ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
ODP_MIMETYPE = "application/vnd.oasis.opendocument.presentation"
ODP_TYPE = (ODP_MIMETYPE, "odp")


def _image_type(upload) -> tuple[str, str] | None:
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    finally:
        upload.seek(0)
    return IMAGE_TYPES.get(kind)


def _slides_type(upload) -> tuple[str, str] | None:
    """Return the type of PowerPoint (pptx) or OpenDocument (odp) slides, read from the ZIP's own entries."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
                return PPTX_TYPE
            # OpenDocument names its type in a first, uncompressed entry called `mimetype`.
            if "mimetype" in names and archive.read("mimetype").strip() == ODP_MIMETYPE.encode():
                return ODP_TYPE
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def material_file_check(upload, *, photo: bool = False) -> tuple[str, str]:
    """Return (content type, extension) of an acceptable material; raise ValidationError otherwise.

    A photo must be an image (JPEG, PNG or WebP); a document may also be a PDF or slides (pptx or odp).
    """
    limit = settings.EVENTS_MATERIAL_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large. Attach a file of at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if photo:
        found = _image_type(upload)
        if found is None:
            raise ValidationError(_("Attach a photo (JPEG, PNG or WebP)."), code="type")
        return found
    if head == b"%PDF-":
        return PDF_TYPE
    found = _image_type(upload) or (_slides_type(upload) if head[:4] == b"PK\x03\x04" else None)
    if found is None:
        raise ValidationError(
            _("Attach a PDF, slides (PowerPoint or OpenDocument) or an image (JPEG, PNG or WebP)."), code="type"
        )
    return found
