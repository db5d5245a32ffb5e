"""Writes for forums: saving with the agenda, the publishing lifecycle, duplication, and the forum's record."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.materials import material_file_check
from events.models import AgendaItem, Forum, ForumRecord, ForumSeries, Material, Province, Speaker, material_storage
from events.signals import forum_cancelled, forum_changed

Status = Forum.Status

# Allowed lifecycle moves: (action) -> (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((Status.DRAFT,), Status.PUBLISHED),
    "close": ((Status.PUBLISHED,), Status.CLOSED),
    "reopen": ((Status.CLOSED,), Status.PUBLISHED),
    "complete": ((Status.PUBLISHED, Status.CLOSED), Status.COMPLETED),
    "cancel": ((Status.DRAFT, Status.PUBLISHED, Status.CLOSED), Status.CANCELLED),
}


# Forum fields whose change is announced to confirmed participants (through the `forum_changed` signal).
NOTIFIED_FIELDS = ("venue_name", "venue_address", "starts_at", "ends_at")
# The stored columns behind them: the venue in both languages (a fallback read would look like a change).
NOTIFIED_COLUMNS = ("venue_name_km", "venue_name_en", "venue_address_km", "venue_address_en", "starts_at", "ends_at")


# What an agenda entry may set on its item (speakers are set apart, being many-to-many).
AGENDA_FIELDS = ("starts_at", "ends_at", "title", "session_kind", "description")
# The text fields written in both languages (events/translation.py): each also as `<field>_km` and `<field>_en`.
FORUM_TEXT_FIELDS = ("title", "description", "venue_name", "venue_address")
SERIES_TEXT_FIELDS = ("title", "theme")
AGENDA_TEXT_FIELDS = ("title", "description")
LANGUAGES = ("km", "en")


def _bilingual_set(obj, *, fields: Iterable[str], values: dict) -> None:
    """Set each of `fields` on `obj` from `values`: both languages where `<field>_km`/`<field>_en` are given,
    else the plain field (written in the active language, as before the content was bilingual)."""
    for field in fields:
        given = {lang: values[f"{field}_{lang}"] for lang in LANGUAGES if f"{field}_{lang}" in values}
        if given:
            for lang, value in given.items():
                setattr(obj, f"{field}_{lang}", (value or "").strip())
        elif field in values:
            setattr(obj, field, values[field])


def _bilingual_old(before: dict) -> dict:
    """Return the values a forum had, as the `forum_changed` signal gives them: each venue field in both languages
    (`venue_name_km`, ...) and, for receivers that read one, in the active language with the other as fallback."""
    old = dict(before)
    active = (translation.get_language() or "km")[:2]
    for field in ("venue_name", "venue_address"):
        ordered = [before.get(f"{field}_{active}"), *(before.get(f"{field}_{lang}") for lang in LANGUAGES)]
        old[field] = next((value for value in ordered if value), "")
    return old


def _bilingual_copy(source, target, *, fields: Iterable[str]) -> None:
    for field in fields:
        for lang in LANGUAGES:
            setattr(target, f"{field}_{lang}", getattr(source, f"{field}_{lang}"))


# Paths under /manage/forums/ that a forum's slug must not shadow.
RESERVED_SLUGS = {"new"}


class ForumTransitionError(ValidationError):
    """The requested lifecycle move is not allowed from the forum's current state."""


def _unique_slug(*, model, title: str, exclude_pk: int | None, fallback: str) -> str:
    base = slugify(title, allow_unicode=False)[:70] or fallback
    if base in RESERVED_SLUGS:
        base = f"{base}-{fallback}"
    taken = set(model.objects.exclude(pk=exclude_pk).filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def forum_unique_slug(
    *, title: str, exclude_pk: int | None = None, province: Province | None = None, starts_at: datetime | None = None
) -> str:
    """Return a slug for `title` that no other forum uses (a number is appended on collision).

    A title without Latin letters (Khmer only) gives no slug of its own: the host province and the date name the
    forum instead ("siem-reap-2026-02-15"), which says more than "forum-2".
    """
    if not slugify(title) and province is not None and starts_at is not None:
        title = f"{province.name_en} {timezone.localtime(starts_at):%Y-%m-%d}"
    return _unique_slug(model=Forum, title=title, exclude_pk=exclude_pk, fallback="forum")


@transaction.atomic
def series_save(
    *,
    series: ForumSeries | None = None,
    title: str = "",
    theme: str = "",
    year: int,
    co_organizers: str,
    slug: str = "",
    description: str = "",
    **translated: str,
) -> ForumSeries:
    """Create a forum series (`series` None) or change `series`; make a unique slug from the title if none is given.

    `translated` may give the title and theme in both languages (`title_km`, `title_en`, `theme_km`, `theme_en`);
    they replace `title` and `theme`. Raise ValidationError if the series breaks a model rule.
    """
    series = series if series is not None else ForumSeries()
    _bilingual_set(series, fields=SERIES_TEXT_FIELDS, values={"title": title, "theme": theme, **translated})
    series.year = year
    series.co_organizers, series.description = co_organizers, description
    slug_title = translated.get("title_en") or series.title
    series.slug = slug or _unique_slug(
        model=ForumSeries, title=slug_title, exclude_pk=series.pk, fallback=f"series-{year}"
    )
    series.full_clean()
    series.save()
    return series


def _agenda_save(*, forum: Forum, agenda: Iterable[dict]) -> None:
    for entry in agenda:
        item = forum.agenda_items.get(pk=entry["id"]) if entry.get("id") else AgendaItem(forum=forum)
        if entry.get("delete"):
            if item.pk:
                item.delete()
            continue
        for name in AGENDA_FIELDS:
            if name not in AGENDA_TEXT_FIELDS:
                setattr(item, name, entry.get(name, getattr(item, name)))
        _bilingual_set(item, fields=AGENDA_TEXT_FIELDS, values=entry)
        item.full_clean()
        item.save()
        speakers = list(entry.get("speakers", ()))
        speakers += [Speaker.objects.get_or_create(**fields)[0] for fields in entry.get("new_speakers", ())]
        item.speakers.set(speakers)


@transaction.atomic
def forum_save(
    *,
    forum: Forum | None = None,
    series: ForumSeries,
    kind: str,
    host_province: Province,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    registration_opens_at: datetime,
    registration_closes_at: datetime,
    title: str = "",
    venue_name: str = "",
    venue_address: str = "",
    slug: str = "",
    description: str = "",
    covered_provinces: Iterable[Province] = (),
    agenda: Iterable[dict] = (),
    **translated: str,
) -> Forum:
    """Create a forum (`forum` None) or change `forum`, with its covered provinces and agenda, all or nothing.

    Each `agenda` entry is a dict: "id" of the item to change (None for a new one), "delete", the item's fields
    (AGENDA_FIELDS), "speakers" (Speaker rows) and "new_speakers" (dicts of Speaker fields, created if unknown).
    `translated` gives the text fields in both languages (`title_km`, `title_en`, ... of FORUM_TEXT_FIELDS), in
    place of `title`, `venue_name`, `venue_address` and `description`; agenda entries may do the same.
    Raise ValidationError if the forum or an item breaks a model rule; nothing is saved then. A change of venue or
    time is announced to the confirmed participants.
    """
    forum = forum if forum is not None else Forum()
    plain = {"title": title, "venue_name": venue_name, "venue_address": venue_address, "description": description}
    _bilingual_set(forum, fields=FORUM_TEXT_FIELDS, values={**plain, **translated})
    for name, value in {
        "series": series,
        "kind": kind,
        "host_province": host_province,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": capacity,
        "registration_opens_at": registration_opens_at,
        "registration_closes_at": registration_closes_at,
    }.items():
        setattr(forum, name, value)
    slug_title = translated.get("title_en") or forum.title_en or forum.title
    forum.slug = slug or forum_unique_slug(
        title=slug_title, exclude_pk=forum.pk, province=host_province, starts_at=starts_at
    )
    forum.full_clean()
    # What participants were told (venue, time), read before saving, so a change can be announced to them.
    before = Forum.objects.filter(pk=forum.pk).values(*NOTIFIED_COLUMNS).first() if forum.pk else None
    forum.save()
    if before is not None and any((before[c] or "") != (getattr(forum, c) or "") for c in NOTIFIED_COLUMNS):
        forum_changed.send(sender=Forum, forum=forum, old=_bilingual_old(before))
    forum.covered_provinces.set(covered_provinces)
    _agenda_save(forum=forum, agenda=agenda)
    return forum


def _check_publishable(forum: Forum) -> None:
    errors = []
    if not forum.covered_provinces.exists():
        errors.append(_("Choose at least one covered province before publishing."))
    if not forum.agenda_items.exists():
        errors.append(_("Add at least one agenda item before publishing."))
    if errors:
        raise ForumTransitionError(errors)


@transaction.atomic
def forum_transition(*, forum: Forum, action: str) -> Forum:
    """Move a forum through its lifecycle (publish, close, reopen, complete, cancel).

    The forum row is locked so two organizers clicking at once cannot skip a state.
    """
    if action not in TRANSITIONS:
        raise ForumTransitionError(_("Unknown action."))
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    sources, target = TRANSITIONS[action]
    if forum.status not in sources:
        raise ForumTransitionError(
            _("A forum that is “%(status)s” cannot be changed this way.") % {"status": forum.get_status_display()}
        )
    if action == "publish":
        _check_publishable(forum)
    previous, forum.status = forum.status, target
    forum.save(update_fields=["status", "updated_at"])
    if action == "cancel" and previous in (Status.PUBLISHED, Status.CLOSED):
        forum_cancelled.send(sender=Forum, forum=forum)
    return forum


@transaction.atomic
def forum_duplicate(*, forum: Forum) -> Forum:
    """Copy a forum, its covered provinces and its agenda into a new draft: the start of the next one."""
    copy = Forum(
        series=forum.series,
        slug=forum_unique_slug(
            title=forum.title_en or forum.title, province=forum.host_province, starts_at=forum.starts_at
        ),
        kind=forum.kind,
        host_province=forum.host_province,
        starts_at=forum.starts_at,
        ends_at=forum.ends_at,
        capacity=forum.capacity,
        registration_opens_at=forum.registration_opens_at,
        registration_closes_at=forum.registration_closes_at,
        status=Forum.Status.DRAFT,
    )
    _bilingual_copy(forum, copy, fields=FORUM_TEXT_FIELDS)
    # "Copy of ..." in each language the forum has a title in.
    for lang in LANGUAGES:
        original = getattr(forum, f"title_{lang}")
        if original:
            with translation.override(lang):
                setattr(copy, f"title_{lang}", (_("Copy of %(title)s") % {"title": original})[:200])
    copy.save()
    copy.covered_provinces.set(forum.covered_provinces.all())
    for item in forum.agenda_items.prefetch_related("speakers"):
        speakers = list(item.speakers.all())
        new_item = AgendaItem(
            forum=copy, starts_at=item.starts_at, ends_at=item.ends_at, session_kind=item.session_kind
        )
        _bilingual_copy(item, new_item, fields=AGENDA_TEXT_FIELDS)
        new_item.save()
        new_item.speakers.set(speakers)
    return copy


def _material_fill(
    *,
    material: Material,
    kind: str,
    title: str,
    visibility: str,
    agenda_item: AgendaItem | None,
    file: UploadedFile | None,
    url: str,
    consent_note: str,
) -> str:
    """Set the fields of `material` and check them; return the name of a file it no longer uses ("" if none)."""
    if agenda_item is not None and agenda_item.forum_id != material.forum_id:
        raise ValidationError({"agenda_item": _("Choose an agenda item of this forum.")})
    material.kind, material.title, material.visibility = kind, title, visibility
    material.agenda_item, material.consent_note = agenda_item, consent_note
    replaced = ""
    if kind == Material.Kind.LINK:
        replaced, material.file = material.file.name or "", ""
        material.url, material.content_type, material.size = url, "", 0
    else:
        material.url = ""
        if file is not None:
            try:
                material.content_type, extension = material_file_check(file, photo=kind == Material.Kind.PHOTO)
            except ValidationError as error:
                raise ValidationError({"file": error.error_list}) from None
            replaced = material.file.name or ""
            file.name = f"material.{extension}"
            material.file, material.size = file, file.size
        elif not material.file:
            raise ValidationError({"file": _("Attach a file.")})
        elif kind == Material.Kind.PHOTO and not material.content_type.startswith("image/"):
            raise ValidationError({"file": _("Attach a photo (JPEG, PNG or WebP).")})
    if kind == Material.Kind.LINK and not url:
        raise ValidationError({"url": _("Give the link.")})
    if kind == Material.Kind.PHOTO and not consent_note.strip():
        raise ValidationError({"consent_note": _("Say who agreed to be shown in the photo.")})
    material.full_clean(exclude=["file"])
    return replaced


def _delete_file_after_commit(name: str) -> None:
    if name:
        storage = material_storage()
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def material_add(
    *,
    forum: Forum,
    kind: str,
    title: str,
    visibility: str = Material.Visibility.PUBLIC,
    agenda_item: AgendaItem | None = None,
    file: UploadedFile | None = None,
    url: str = "",
    consent_note: str = "",
) -> Material:
    """Attach a file, photo or link to `forum` (or to one of its agenda items) and save it.

    The file's type is checked by its content and its size against EVENTS_MATERIAL_MAX_BYTES; the file is
    stored under a random name in the private storage. Raise ValidationError (by field) if anything is wrong.
    """
    material = Material(forum=forum)
    _material_fill(
        material=material,
        kind=kind,
        title=title,
        visibility=visibility,
        agenda_item=agenda_item,
        file=file,
        url=url,
        consent_note=consent_note,
    )
    material.save()
    return material


@transaction.atomic
def material_update(
    *,
    material: Material,
    kind: str,
    title: str,
    visibility: str,
    agenda_item: AgendaItem | None = None,
    file: UploadedFile | None = None,
    url: str = "",
    consent_note: str = "",
) -> Material:
    """Change `material`; a new file replaces the old one, whose stored copy is deleted after the commit."""
    replaced = _material_fill(
        material=material,
        kind=kind,
        title=title,
        visibility=visibility,
        agenda_item=agenda_item,
        file=file,
        url=url,
        consent_note=consent_note,
    )
    material.save()
    _delete_file_after_commit(replaced)
    return material


@transaction.atomic
def material_delete(*, material: Material) -> None:
    """Delete `material`; its stored file goes after the commit (events.receivers)."""
    material.delete()


@transaction.atomic
def forum_record_save(
    *, forum: Forum, minutes_km: str = "", minutes_en: str = "", stream_url: str = "", recording_url: str = ""
) -> ForumRecord:
    """Create or change the forum's record: its minutes in Khmer and English and its stream links."""
    record, _created = ForumRecord.objects.get_or_create(forum=forum)
    record.minutes_km, record.minutes_en = minutes_km, minutes_en
    record.stream_url, record.recording_url = stream_url, recording_url
    record.full_clean()
    record.save()
    return record
