"""Files made from a forum's materials: the name a download gets and the ZIP of all public materials."""

import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils.text import slugify

from events.models import Material


def material_download_name(material: Material) -> str:
    """Return the file name a download of `material` gets: its title (Khmer kept) and its real extension."""
    return f"{slugify(material.title, allow_unicode=True)[:80] or 'material'}.{material.extension}"


def materials_zip_build(*, materials: Iterable[Material]) -> IO[bytes]:
    """Return a temporary file (rewound; deleted when closed) holding a ZIP of the materials' files and links.

    Entries keep the order given, each name prefixed with its place (01-, 02-, ...) so that any unzip tool lists
    them in that order; the links, which have no file, come last in one text file.
    """
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - returned open; the response closes (and so deletes) it
    links = []
    # Slides, PDFs and photos are compressed already: storing them spares the CPU and loses nothing.
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zipped:
        place = 0
        for material in materials:
            if material.kind == Material.Kind.LINK:
                links.append(f"{material.title}\n{material.url}\n")
                continue
            place += 1
            with (
                material.file.open("rb") as source,
                zipped.open(f"{place:02d}-{material_download_name(material)}", "w") as target,
            ):
                shutil.copyfileobj(source, target)
        if links:
            zipped.writestr(f"{place + 1:02d}-links.txt", "\n".join(links))
    archive.seek(0)
    return archive


CHUNK = 64 * 1024


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk


def material_file_chunks(*, material: Material) -> Iterator[bytes]:
    """Yield the material's stored file in chunks; the file is opened at the first chunk and closed after the last
    (or when the response is closed early), so a response that is never sent holds nothing open."""
    with material.file.storage.open(material.file.name, "rb") as source:
        yield from _chunks(source)


def materials_zip_chunks(*, materials: Iterable[Material]) -> Iterator[bytes]:
    """Yield the ZIP of `materials_zip_build`, built when the first chunk is asked for; its temporary file is
    closed, and so deleted, after the last."""
    with materials_zip_build(materials=materials) as archive:
        yield from _chunks(archive)
