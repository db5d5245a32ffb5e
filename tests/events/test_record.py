import io
import zipfile
from datetime import time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.materials import material_file_check
from events.models import ForumRecord, Material
from tests.events.factories import AgendaItemFactory, ForumFactory

pytestmark = pytest.mark.django_db

EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
)


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def _add(forum, title, content, *, item=None, visibility=Material.Visibility.PUBLIC, kind=Material.Kind.FILE, **extra):
    return services.material_add(
        forum=forum,
        kind=kind,
        title=title,
        agenda_item=item,
        visibility=visibility,
        file=_upload("upload.bin", content),
        **extra,
    )


def _content(response):
    return b"".join(response.streaming_content)


# The file's type, judged by its content


def test_material_check_accepts_a_real_pdf_named_anything(pdf_bytes):
    assert material_file_check(_upload("report.exe", pdf_bytes)) == ("application/pdf", "pdf")


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("png_bytes", ("image/png", "png")),
        ("pptx_bytes", ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")),
        ("odp_bytes", ("application/vnd.oasis.opendocument.presentation", "odp")),
    ],
)
def test_material_check_accepts_images_and_slides(request, fixture, expected):
    assert material_file_check(_upload("upload", request.getfixturevalue(fixture))) == expected


def test_material_check_refuses_an_executable_renamed_as_pdf():
    with pytest.raises(ValidationError) as caught:
        material_file_check(_upload("slides.pdf", EXECUTABLE))

    assert caught.value.code == "type"


def test_material_check_refuses_a_zip_that_is_not_slides():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXECUTABLE)

    with pytest.raises(ValidationError) as caught:
        material_file_check(_upload("slides.pptx", buffer.getvalue()))

    assert caught.value.code == "type"


def test_material_check_refuses_a_pdf_as_a_photo(pdf_bytes):
    with pytest.raises(ValidationError) as caught:
        material_file_check(_upload("photo.jpg", pdf_bytes), photo=True)

    assert caught.value.messages == ["Attach a photo (JPEG, PNG or WebP)."]


def test_material_check_refuses_a_file_over_the_size_limit(settings, pdf_bytes):
    settings.EVENTS_MATERIAL_MAX_BYTES = len(pdf_bytes) - 1

    with pytest.raises(ValidationError) as caught:
        material_file_check(_upload("report.pdf", pdf_bytes))

    assert caught.value.code == "too_large"


def test_material_check_accepts_a_file_at_the_size_limit(settings, pdf_bytes):
    settings.EVENTS_MATERIAL_MAX_BYTES = len(pdf_bytes)

    assert material_file_check(_upload("report.pdf", pdf_bytes))[1] == "pdf"


# Services


def test_material_add_stores_the_file_privately_under_a_random_name(material_media, settings, pdf_bytes):
    forum = ForumFactory()

    material = _add(forum, "Opening speech", pdf_bytes)

    assert material.content_type == "application/pdf"
    assert material.size == len(pdf_bytes)
    assert material.file.name.startswith("forums/") and material.file.name.endswith(".pdf")
    assert (material_media / material.file.name).read_bytes() == pdf_bytes
    assert not (settings.MEDIA_ROOT / material.file.name).exists()


def test_material_add_refuses_an_agenda_item_of_another_forum(material_media, pdf_bytes):
    forum, elsewhere = ForumFactory(), AgendaItemFactory()

    with pytest.raises(ValidationError) as caught:
        _add(forum, "Slides", pdf_bytes, item=elsewhere)

    assert caught.value.message_dict == {"agenda_item": ["Choose an agenda item of this forum."]}
    assert not Material.objects.exists()


def test_material_add_refuses_a_photo_without_consent_note(material_media, png_bytes):
    with pytest.raises(ValidationError) as caught:
        _add(ForumFactory(), "Group photo", png_bytes, kind=Material.Kind.PHOTO)

    assert caught.value.message_dict == {"consent_note": ["Say who agreed to be shown in the photo."]}


def test_material_add_link_needs_its_address(material_media):
    with pytest.raises(ValidationError) as caught:
        services.material_add(forum=ForumFactory(), kind=Material.Kind.LINK, title="Video")

    assert caught.value.message_dict == {"url": ["Give the link."]}


def test_material_update_replaces_the_file_and_deletes_the_old_one_after_commit(
    material_media, django_capture_on_commit_callbacks, pdf_bytes, png_bytes
):
    material = _add(ForumFactory(), "Slides", pdf_bytes)
    old = material_media / material.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(
            material=material, kind="file", title="Slides, final", visibility="public", file=_upload("x", png_bytes)
        )

    material.refresh_from_db()
    assert (material.title, material.content_type) == ("Slides, final", "image/png")
    assert (material_media / material.file.name).read_bytes() == png_bytes
    assert not old.exists()


def test_material_delete_removes_the_row_and_the_file_after_commit(
    material_media, django_capture_on_commit_callbacks, pdf_bytes
):
    material = _add(ForumFactory(), "Slides", pdf_bytes)
    stored = material_media / material.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(material=material)

    assert not Material.objects.exists()
    assert not stored.exists()


# Minutes and the stream button


def test_minutes_in_the_readers_language_or_else_the_other():
    record = ForumRecord(forum=ForumFactory.build(), minutes_km="", minutes_en="Agreed on three actions.")

    assert tuple(record.minutes("en")) == ("Agreed on three actions.", "en", False)
    assert tuple(record.minutes("km")) == ("Agreed on three actions.", "en", True)
    record.minutes_km = "បានឯកភាពលើសកម្មភាពបី។"
    assert tuple(record.minutes("km")) == ("បានឯកភាពលើសកម្មភាពបី។", "km", False)


def test_forum_page_shows_english_minutes_to_a_khmer_reader_marked_as_english(client):
    forum = ForumFactory()
    services.forum_record_save(forum=forum, minutes_en="Agreed on three actions.")

    with translation.override("km"):
        url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    response = client.get(url)

    assert '<div lang="en" class="forum-minutes"><p>Agreed on three actions.</p></div>' in response.content.decode()
    assert response.context["materials"].record.minutes().is_fallback is True


def test_forum_page_shows_khmer_minutes_to_a_khmer_reader(client):
    forum = ForumFactory()
    services.forum_record_save(forum=forum, minutes_km="បានឯកភាព។", minutes_en="Agreed.")

    with translation.override("km"):
        url = reverse("events:forum_detail", kwargs={"slug": forum.slug})
    content = client.get(url).content.decode()

    assert '<div lang="km" class="forum-minutes"><p>បានឯកភាព។</p></div>' in content
    assert "Agreed." not in content


@pytest.mark.parametrize(
    ("offset", "state", "label", "link"),
    [
        (-timedelta(days=1), "upcoming", "Livestream: upcoming", "https://live.example.org/forum"),
        (timedelta(hours=2), "live", "Live now", "https://live.example.org/forum"),
        (timedelta(hours=9), "recording", "Watch the recording", "https://video.example.org/forum"),
    ],
)
def test_stream_button_reads_by_the_forums_time(client, offset, state, label, link):
    starts_at = timezone.now() + timedelta(days=10)
    forum = ForumFactory(starts_at=starts_at)  # ends eight hours after it starts
    services.forum_record_save(
        forum=forum, stream_url="https://live.example.org/forum", recording_url="https://video.example.org/forum"
    )

    with time_machine.travel(starts_at + offset, tick=False):
        response = client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug}))

    expected = f'href="{link}" rel="noopener noreferrer" data-stream-state="{state}">{label}</a>'
    assert expected in response.content.decode()


def test_stream_button_after_the_forum_keeps_the_stream_link_without_a_recording_link():
    forum = ForumFactory(starts_at=timezone.now() - timedelta(days=2))
    record = services.forum_record_save(forum=forum, stream_url="https://live.example.org/forum")

    assert (record.stream_state, record.stream_link) == ("recording", "https://live.example.org/forum")


# The public page, downloads and the ZIP


@pytest.fixture
def forum_with_materials(material_media, pdf_bytes, png_bytes, pptx_bytes):
    """A forum with materials added out of agenda order, one of them organizers-only, and a link."""
    forum = ForumFactory(slug="kampot-forum")
    late = AgendaItemFactory(forum=forum, starts_at=time(14, 0), ends_at=time(15, 0), title="Panel")
    early = AgendaItemFactory(forum=forum, starts_at=time(8, 0), ends_at=time(9, 0), title="Opening")
    _add(forum, "Summary report", pdf_bytes)
    _add(forum, "Panel slides", pptx_bytes, item=late)
    _add(forum, "Budget notes", pdf_bytes, item=early, visibility=Material.Visibility.ORGANIZERS)
    _add(forum, "Welcome speech", pdf_bytes, item=early)
    _add(forum, "Agenda handout", pdf_bytes, item=early)
    _add(forum, "Hall", png_bytes, kind=Material.Kind.PHOTO, consent_note="Verbal consent of all shown")
    services.material_add(forum=forum, kind=Material.Kind.LINK, title="Video", url="https://video.example.org/1")
    return forum


def test_zip_holds_public_materials_in_agenda_order(client, forum_with_materials, pdf_bytes, pptx_bytes):
    response = client.get(reverse("events:materials_zip", kwargs={"slug": "kampot-forum"}))

    archive = zipfile.ZipFile(io.BytesIO(_content(response)))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="kampot-forum.zip"'
    assert archive.namelist() == [
        "01-welcome-speech.pdf",
        "02-agenda-handout.pdf",
        "03-panel-slides.pptx",
        "04-summary-report.pdf",
        "05-hall.png",
        "06-links.txt",
    ]
    assert archive.read("01-welcome-speech.pdf") == pdf_bytes
    assert archive.read("03-panel-slides.pptx") == pptx_bytes
    assert archive.read("06-links.txt").decode() == "Video\nhttps://video.example.org/1\n"


def test_zip_of_a_draft_forum_is_404(client, material_media):
    forum = ForumFactory(status="draft")

    assert client.get(reverse("events:materials_zip", kwargs={"slug": forum.slug})).status_code == 404


def test_public_material_downloads_with_its_name_and_no_sniffing(client, forum_with_materials, pdf_bytes):
    material = Material.objects.get(title="Welcome speech")

    response = client.get(reverse("events:material_download", kwargs={"slug": "kampot-forum", "pk": material.pk}))

    assert _content(response) == pdf_bytes
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="welcome-speech.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_photo_opens_inline(client, forum_with_materials, png_bytes):
    photo = Material.objects.get(title="Hall")

    response = client.get(reverse("events:material_download", kwargs={"slug": "kampot-forum", "pk": photo.pk}))

    assert (response["Content-Disposition"], _content(response)) == ('inline; filename="hall.png"', png_bytes)


@pytest.mark.parametrize("who", ["anonymous", "user_without_role"])
def test_organizers_only_material_is_404_to_the_public(client, request, forum_with_materials, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    private = Material.objects.get(title="Budget notes")

    response = client.get(reverse("events:material_download", kwargs={"slug": "kampot-forum", "pk": private.pk}))

    assert response.status_code == 404


def test_organizers_only_material_is_served_to_organizers_never_cached(
    organizer_client, forum_with_materials, pdf_bytes
):
    private = Material.objects.get(title="Budget notes")

    response = organizer_client.get(
        reverse("events:material_download", kwargs={"slug": "kampot-forum", "pk": private.pk})
    )

    assert _content(response) == pdf_bytes
    assert "no-store" in response["Cache-Control"]


def test_material_under_another_forums_slug_is_404(client, forum_with_materials):
    material = Material.objects.get(title="Welcome speech")
    other = ForumFactory()

    response = client.get(reverse("events:material_download", kwargs={"slug": other.slug, "pk": material.pk}))

    assert response.status_code == 404


def test_forum_page_shows_public_materials_by_agenda_item(client, forum_with_materials):
    response = client.get(reverse("events:forum_detail", kwargs={"slug": "kampot-forum"}))

    content = response.content.decode()
    items = {
        item.title: [m.title for m in item.public_materials] for item in response.context["forum"].agenda_items.all()
    }
    assert items == {"Opening": ["Welcome speech", "Agenda handout"], "Panel": ["Panel slides"]}
    assert [m.title for m in response.context["materials"].forum_level] == ["Summary report", "Video"]
    assert [m.title for m in response.context["materials"].photos] == ["Hall"]
    assert "Budget notes" not in content
    assert reverse("events:materials_zip", kwargs={"slug": "kampot-forum"}) in content


def test_forum_page_without_materials_offers_no_zip(client):
    forum = ForumFactory()

    content = client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug})).content.decode()

    assert reverse("events:materials_zip", kwargs={"slug": forum.slug}) not in content


@pytest.mark.parametrize("count", [1, 6])
def test_forum_page_with_materials_runs_constant_queries(
    client, django_assert_num_queries, material_media, pdf_bytes, count
):
    forum = ForumFactory()
    services.forum_record_save(forum=forum, minutes_en="Minutes.", stream_url="https://live.example.org/")
    for n in range(count):
        item = AgendaItemFactory(forum=forum, title=f"Session {n}")
        _add(forum, f"Slides {n}", pdf_bytes, item=item)
        services.material_add(forum=forum, kind="link", title=f"Link {n}", url=f"https://example.org/{n}")

    # The forum page's four queries, and one for the public materials.
    with django_assert_num_queries(5):
        response = client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug}))

    assert len(response.context["forum"].agenda_items.all()) == count


# Organizer pages


def test_record_page_lists_every_material_with_its_visibility(organizer_client, forum_with_materials):
    response = organizer_client.get(reverse("events:manage_forum_record", kwargs={"slug": "kampot-forum"}))

    assert [m.title for m in response.context["materials"]] == [
        "Budget notes",
        "Welcome speech",
        "Agenda handout",
        "Panel slides",
        "Summary report",
        "Hall",
        "Video",
    ]
    assert "<strong>Organizers only</strong>" in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_record_page_runs_constant_queries(
    organizer_client, django_assert_num_queries, material_media, pdf_bytes, count
):
    forum = ForumFactory()
    for n in range(count):
        _add(forum, f"Slides {n}", pdf_bytes, item=AgendaItemFactory(forum=forum))
    url = reverse("events:manage_forum_record", kwargs={"slug": forum.slug})

    # The session, the user, two for the user's permissions, the forum with its record, and the materials.
    with django_assert_num_queries(6):
        response = organizer_client.get(url)

    assert len(response.context["materials"]) == count


def test_organizer_adds_a_material_to_an_agenda_item(organizer_client, material_media, pdf_bytes):
    forum = ForumFactory()
    item = AgendaItemFactory(forum=forum)

    response = organizer_client.post(
        reverse("events:manage_material_add", kwargs={"slug": forum.slug}),
        {
            "kind": "file",
            "title": "Keynote",
            "agenda_item": item.pk,
            "visibility": "organizers",
            "file": _upload("keynote.pdf", pdf_bytes),
        },
    )

    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.title, material.agenda_item, material.visibility) == ("Keynote", item, "organizers")
    assert (material_media / material.file.name).read_bytes() == pdf_bytes


def test_organizer_upload_of_a_renamed_executable_is_refused(organizer_client, material_media):
    forum = ForumFactory()

    response = organizer_client.post(
        reverse("events:manage_material_add", kwargs={"slug": forum.slug}),
        {"kind": "file", "title": "Slides", "visibility": "public", "file": _upload("slides.pdf", EXECUTABLE)},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Attach a PDF, slides (PowerPoint or OpenDocument) or an image (JPEG, PNG or WebP)."
    ]
    assert not Material.objects.exists()
    assert not material_media.exists() or not any(material_media.rglob("*.*"))


def test_organizer_edits_a_material_keeping_its_file(organizer_client, forum_with_materials, pdf_bytes):
    material = Material.objects.get(title="Summary report")
    stored = material.file.name

    response = organizer_client.post(
        reverse("events:manage_material_edit", kwargs={"slug": "kampot-forum", "pk": material.pk}),
        {"kind": "file", "title": "Summary report (final)", "visibility": "organizers"},
    )

    material.refresh_from_db()
    assert response.status_code == 302
    assert (material.title, material.visibility, material.file.name) == ("Summary report (final)", "organizers", stored)


def test_delete_asks_first_then_deletes(organizer_client, forum_with_materials, django_capture_on_commit_callbacks):
    material = Material.objects.get(title="Panel slides")
    url = reverse("events:manage_material_delete", kwargs={"slug": "kampot-forum", "pk": material.pk})

    confirm = organizer_client.get(url)
    assert "Delete “Panel slides”?" in confirm.content.decode()
    assert Material.objects.filter(pk=material.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(url)

    assert response.status_code == 302
    assert not Material.objects.filter(pk=material.pk).exists()


def test_material_of_another_forum_is_404_under_this_forums_record(organizer_client, forum_with_materials):
    material = Material.objects.get(title="Panel slides")
    other = ForumFactory()

    response = organizer_client.post(
        reverse("events:manage_material_delete", kwargs={"slug": other.slug, "pk": material.pk})
    )

    assert response.status_code == 404
    assert Material.objects.filter(pk=material.pk).exists()


def test_people_without_the_permission_cannot_delete(client, user_without_role, forum_with_materials):
    material = Material.objects.get(title="Panel slides")
    url = reverse("events:manage_material_delete", kwargs={"slug": "kampot-forum", "pk": material.pk})

    anonymous = client.post(url)
    client.force_login(user_without_role)
    logged_in = client.post(url)

    assert (anonymous.status_code, logged_in.status_code) == (302, 403)
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert Material.objects.filter(pk=material.pk).exists()


def test_organizer_saves_minutes_in_both_languages_and_the_stream_link(organizer_client):
    forum = ForumFactory()

    response = organizer_client.post(
        reverse("events:manage_forum_record", kwargs={"slug": forum.slug}),
        {
            "minutes_km": "កំណត់ហេតុ",
            "minutes_en": "Minutes",
            "stream_url": "https://live.example.org/forum",
            "recording_url": "",
        },
    )

    assert response.status_code == 302
    record = ForumRecord.objects.get(forum=forum)
    assert (record.minutes_km, record.minutes_en, record.stream_url) == (
        "កំណត់ហេតុ",
        "Minutes",
        "https://live.example.org/forum",
    )


def test_record_tab_is_in_the_organizer_nav(organizer_client):
    forum = ForumFactory()

    response = organizer_client.get(reverse("events:manage_forum_edit", kwargs={"slug": forum.slug}))

    assert reverse("events:manage_forum_record", kwargs={"slug": forum.slug}) in response.content.decode()


def test_deleting_a_forum_deletes_its_material_files_after_commit(
    material_media, django_capture_on_commit_callbacks, pdf_bytes
):
    forum = ForumFactory()
    stored = material_media / _add(forum, "Slides", pdf_bytes).file.name

    with django_capture_on_commit_callbacks(execute=True):
        forum.delete()

    assert not stored.exists()
