from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from events.models import AgendaItem, Forum, ForumSeries
from tests.events.factories import AgendaItemFactory, ForumFactory

pytestmark = pytest.mark.django_db


def test_home_lists_upcoming_published_forum_and_hides_drafts(client):
    ForumFactory(title="Regional Forum in Kratie")
    ForumFactory(title="Secret draft", status=Forum.Status.DRAFT)

    response = client.get(reverse("events:home"))

    assert response.status_code == 200
    assert [f.title for f in response.context["upcoming"]] == ["Regional Forum in Kratie"]
    assert "Secret draft" not in response.content.decode()


def test_home_shows_past_forums_of_current_series(client):
    upcoming = ForumFactory()
    past_start = timezone.now() - timedelta(days=40)
    ForumFactory(
        series=upcoming.series,
        title="Regional Forum in Sihanoukville",
        starts_at=past_start,
        status=Forum.Status.COMPLETED,
    )

    response = client.get(reverse("events:home"))

    assert [f.title for f in response.context["past"]] == ["Regional Forum in Sihanoukville"]


def test_forum_detail_draft_is_404(client):
    forum = ForumFactory(status=Forum.Status.DRAFT)

    response = client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug}))

    assert response.status_code == 404


def test_forum_detail_shows_agenda_in_order(client):
    forum = ForumFactory()
    AgendaItemFactory(forum=forum, title="Panel on maternity allowance", starts_at="10:00", ends_at="11:00")
    AgendaItemFactory(forum=forum, title="Opening remarks", starts_at="08:00", ends_at="08:30")

    response = client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug}))

    assert [item.title for item in response.context["forum"].agenda_items.all()] == [
        "Opening remarks",
        "Panel on maternity allowance",
    ]
    assert "Panel on maternity allowance" in response.content.decode()


def test_urls_carry_language_prefix_and_khmer_is_served(client):
    forum = ForumFactory()

    response = client.get(f"/km/forums/{forum.slug}/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "km"
    with translation.override("en"):
        assert reverse("events:home") == "/en/"


@pytest.mark.parametrize("count", [3, 30])
def test_public_forum_list_runs_constant_queries(client, django_assert_num_queries, count):
    forums = ForumFactory.create_batch(count)
    for forum in forums:
        AgendaItemFactory(forum=forum)

    # series filter, count, forums, covered provinces, series list: whatever the number of forums.
    with django_assert_num_queries(5):
        response = client.get(reverse("events:forum_list"))

    assert len(response.context["forums"]) == min(count, 20)


@pytest.mark.parametrize("count", [3, 30])
def test_home_runs_constant_queries(client, django_assert_num_queries, count):
    ForumFactory.create_batch(count)

    with django_assert_num_queries(5):
        client.get(reverse("events:home"))


@pytest.mark.parametrize("items", [3, 30])
def test_forum_detail_runs_constant_queries(client, django_assert_num_queries, items):
    forum = ForumFactory()
    for n in range(items):
        item = AgendaItemFactory(forum=forum, title=f"Session {n}")
        item.speakers.create(name=f"Speaker {n}")

    with django_assert_num_queries(4):
        client.get(reverse("events:forum_detail", kwargs={"slug": forum.slug}))


def _agenda_post(prefix="agenda", items=()):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "60",
    }
    for i, (start, end, title) in enumerate(items):
        data |= {
            f"{prefix}-{i}-starts_at": start,
            f"{prefix}-{i}-ends_at": end,
            f"{prefix}-{i}-title_en": title,
            f"{prefix}-{i}-session_kind": AgendaItem.SessionKind.PANEL,
        }
    return data


def _forum_post(series, **overrides):
    from events.models import Province

    data = {
        "series": series.pk,
        "title_en": "Regional Forum in Kampot",
        "slug": "",
        "kind": Forum.Kind.REGIONAL,
        "host_province": Province.objects.get(name_en="Kampot").pk,
        "covered_provinces": [Province.objects.get(name_en="Kampot").pk, Province.objects.get(name_en="Kep").pk],
        "venue_name_en": "Provincial Hall",
        "venue_address_en": "Kampot town",
        "starts_at": "2030-09-17T07:30",
        "ends_at": "2030-09-17T16:00",
        "capacity": "130",
        "registration_opens_at": "2030-08-01T08:00",
        "registration_closes_at": "2030-09-16T17:00",
        "description_en": "",
    }
    return data | overrides


def test_organizer_creates_forum_with_agenda_in_one_post(organizer_client):
    series = ForumFactory().series
    data = _forum_post(series) | _agenda_post(items=[("08:00", "08:30", "Opening"), ("09:00", "10:00", "Panel")])

    response = organizer_client.post(reverse("events:manage_forum_create"), data)

    forum = Forum.objects.get(title="Regional Forum in Kampot")
    assert response.status_code == 302
    assert response.url == reverse("events:manage_forum_edit", kwargs={"slug": "regional-forum-in-kampot"})
    assert forum.status == Forum.Status.DRAFT
    assert list(forum.agenda_items.values_list("title", flat=True)) == ["Opening", "Panel"]
    assert set(forum.covered_provinces.values_list("name_en", flat=True)) == {"Kampot", "Kep"}


def test_forum_form_errors_save_nothing(organizer_client):
    series = ForumFactory().series
    data = _forum_post(series, ends_at="2030-09-17T06:00") | _agenda_post(items=[("08:00", "07:00", "Bad")])

    response = organizer_client.post(reverse("events:manage_forum_create"), data)

    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == ["The forum must end after it starts."]
    assert response.context["agenda"].forms[0].errors["ends_at"] == ["The session must end after it starts."]
    assert not Forum.objects.filter(title="Regional Forum in Kampot").exists()


def test_organizer_publishes_forum_by_post(organizer_client):
    forum = ForumFactory(status=Forum.Status.DRAFT)
    AgendaItemFactory(forum=forum)

    response = organizer_client.post(
        reverse("events:manage_forum_transition", kwargs={"slug": forum.slug, "action": "publish"}), {"confirm": "yes"}
    )

    forum.refresh_from_db()
    assert response.status_code == 302
    assert forum.status == Forum.Status.PUBLISHED


def test_refused_transition_shows_message(organizer_client):
    forum = ForumFactory(status=Forum.Status.DRAFT)

    response = organizer_client.post(
        reverse("events:manage_forum_transition", kwargs={"slug": forum.slug, "action": "publish"}),
        {"confirm": "yes"},
        follow=True,
    )

    assert "Add at least one agenda item before publishing." in response.content.decode()


def test_manage_forum_list_runs_constant_queries(organizer_client, django_assert_num_queries):
    # session, user, permissions, count, forums, series for the filter, series list, ...: fixed, whatever the rows.
    ForumFactory.create_batch(3)
    with django_assert_num_queries(8) as small:
        organizer_client.get(reverse("events:manage_forum_list"))
    ForumFactory.create_batch(27)
    with django_assert_num_queries(len(small.captured_queries)):
        organizer_client.get(reverse("events:manage_forum_list"))


def _manage_urls(forum):
    return [
        ("get", reverse("events:manage_forum_list")),
        ("get", reverse("events:manage_forum_create")),
        ("get", reverse("events:manage_forum_edit", kwargs={"slug": forum.slug})),
        ("post", reverse("events:manage_forum_transition", kwargs={"slug": forum.slug, "action": "close"})),
        ("post", reverse("events:manage_forum_duplicate", kwargs={"slug": forum.slug})),
        ("get", reverse("events:manage_series_create")),
        ("get", reverse("events:manage_series_edit", kwargs={"slug": forum.series.slug})),
        ("post", reverse("events:manage_series_edit", kwargs={"slug": forum.series.slug})),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("user_without_role", 403), ("nssf_staff", 403), ("organizer", {200, 302, 400})],
)
def test_manage_urls_permissions(client, request, who, expected):
    forum = ForumFactory()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    for method, url in _manage_urls(forum):
        response = getattr(client, method)(url)
        allowed = expected if isinstance(expected, set) else {expected}
        assert response.status_code in allowed, (who, method, url, response.status_code)
        if who == "anonymous":
            assert response.url.startswith(reverse("account_login")), url
    forum.refresh_from_db()
    assert forum.status == (Forum.Status.CLOSED if who == "organizer" else Forum.Status.PUBLISHED)


def test_manage_transition_refuses_get(organizer_client):
    forum = ForumFactory()

    response = organizer_client.get(
        reverse("events:manage_forum_transition", kwargs={"slug": forum.slug, "action": "cancel"})
    )

    assert response.status_code == 405
    forum.refresh_from_db()
    assert forum.status == Forum.Status.PUBLISHED


def test_cancel_asks_for_confirmation_before_cancelling(organizer_client):
    forum = ForumFactory()
    url = reverse("events:manage_forum_transition", kwargs={"slug": forum.slug, "action": "cancel"})

    first = organizer_client.post(url)
    forum.refresh_from_db()
    assert first.status_code == 200
    assert "Yes, cancel the forum" in first.content.decode()
    assert forum.status == Forum.Status.PUBLISHED

    organizer_client.post(url, {"confirm": "yes"})
    forum.refresh_from_db()
    assert forum.status == Forum.Status.CANCELLED


def test_organizer_adds_new_speakers_from_the_agenda_form(organizer_client):
    series = ForumFactory().series
    data = _forum_post(series) | _agenda_post(items=[("08:00", "08:30", "Opening")])
    data["agenda-0-new_speakers"] = "Chan Chhorvy Sok, Program Manager, Oxfam\n\nDara Meas"

    organizer_client.post(reverse("events:manage_forum_create"), data)

    item = AgendaItem.objects.get(title="Opening")
    assert sorted(str(s) for s in item.speakers.all()) == ["Chan Chhorvy Sok, Program Manager, Oxfam", "Dara Meas"]


def test_editing_with_an_empty_slug_shows_errors_not_a_crash(organizer_client):
    forum = ForumFactory(title="Regional Forum in Kratie")

    response = organizer_client.post(reverse("events:manage_forum_edit", kwargs={"slug": forum.slug}), {"slug": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["title_km"] == ["Fill in at least one of Khmer and English."]
    assert response.context["forum"].slug == forum.slug
    forum.refresh_from_db()
    assert forum.title == "Regional Forum in Kratie"


def test_organizer_starts_next_years_series(organizer_client):
    response = organizer_client.post(
        reverse("events:manage_series_create"),
        {
            "title_en": "2027 Annual Regional Forum",
            "slug": "",
            "theme_en": "Universal social security",
            "year": "2027",
            "co_organizers": "NSSF, Oxfam",
            "description": "",
        },
    )

    assert response.status_code == 302
    series = ForumSeries.objects.get(title="2027 Annual Regional Forum")
    assert (series.slug, series.year) == ("2027-annual-regional-forum", 2027)


def test_series_form_refuses_an_implausible_year_and_saves_nothing(organizer_client):
    response = organizer_client.post(
        reverse("events:manage_series_create"),
        {"title_en": "Typo series", "theme_en": "x", "year": "20027", "co_organizers": "NSSF"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["year"] == ["Enter a year between 2000 and 2100."]
    assert not ForumSeries.objects.filter(title="Typo series").exists()


def test_manage_forum_list_filters_by_status_series_and_text(organizer_client):
    draft = ForumFactory(title="Regional Forum in Kampot", status=Forum.Status.DRAFT)
    ForumFactory(title="Regional Forum in Kratie")
    url = reverse("events:manage_forum_list")

    def titles(query):
        return [f.title for f in organizer_client.get(url, query).context["forums"]]

    assert titles({"status": "draft"}) == ["Regional Forum in Kampot"]
    assert titles({"series": draft.series.pk}) == ["Regional Forum in Kampot"]
    assert titles({"q": "kratie"}) == ["Regional Forum in Kratie"]
    assert sorted(titles({"status": "nonsense"})) == ["Regional Forum in Kampot", "Regional Forum in Kratie"]


def test_forum_card_says_when_registration_opens(client):
    opens = timezone.now() + timedelta(days=10)
    ForumFactory(title="Regional Forum in Kep", registration_opens_at=opens)

    with translation.override("en"):
        response = client.get(reverse("events:home"))

        expected = f"Registration opens {date_format(timezone.localtime(opens), 'DATE_FORMAT')}"
    assert expected in response.content.decode()
