from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Forum, Province
from feedback import selectors
from feedback.models import Concern
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status


def _responded(forum, *, days, text, publishable, **kwargs):
    received = timezone.now() - timedelta(days=30)
    return ConcernFactory(
        forum=forum,
        received_at=received,
        acknowledged_at=received + timedelta(days=1),
        responded_at=received + timedelta(days=days),
        status=Status.RESPONDED,
        public_response=text,
        response_publishable=publishable,
        **kwargs,
    )


@pytest.fixture
def concerns(forum):
    kampot = Province.objects.get(name_en="Kampot")
    _responded(forum, days=2, text="Published answer about maternity.", publishable=True)
    _responded(forum, days=4, text="Private answer to one worker.", publishable=False, category="pension")
    _responded(forum, days=9, text="Sensitive answer never shown.", publishable=True, sensitive=True, province=kampot)
    ConcernFactory(forum=forum, status=Status.CLOSED, closing_reason="resolved", description="Closed secret text")
    ConcernFactory(forum=forum, anonymous=True, contact_name="", contact_phone="", consent_to_contact=False)
    ConcernFactory(forum=ForumFactory(), public_response="Other forum answer.", response_publishable=True)


def test_forum_page_shows_only_publishable_responses_and_no_personal_data(client, forum, concerns):
    response = client.get(reverse("feedback:forum_accountability", kwargs={"slug": forum.slug}))
    page = response.content.decode()
    assert "Published answer about maternity." in page
    for hidden in (
        "Private answer",
        "Sensitive answer",
        "Other forum answer",
        "Closed secret text",
        "Srey Leak",
        "+8551",
    ):
        assert hidden not in page
    for concern in Concern.objects.all():
        assert concern.description not in page
        assert concern.display_code not in page
    figures = selectors.accountability_figures(concerns=Concern.objects.filter(forum=forum))
    assert figures["total"] == 5
    assert (figures["acknowledged"], figures["responded"], figures["resolved"]) == (3, 3, 1)
    assert (figures["responded_share"], figures["resolved_share"]) == (60, 20)
    assert figures["median_days_to_respond"] == 4.0
    assert dict(figures["by_category"])["Old-age pension"] == 1
    assert {row["province__name_en"]: row["n"] for row in figures["by_province"]} == {"Svay Rieng": 4, "Kampot": 1}


def test_median_fallback_matches_database(forum, concerns, monkeypatch):
    in_db = selectors.accountability_figures(concerns=Concern.objects.filter(forum=forum))["median_days_to_respond"]
    monkeypatch.setattr(selectors, "connection", SimpleNamespace(vendor="sqlite"))
    portable = selectors.accountability_figures(concerns=Concern.objects.filter(forum=forum))["median_days_to_respond"]
    assert in_db == portable == 4.0


def test_series_page_aggregates_public_forums(client, forum, concerns):
    draft = ForumFactory(series=forum.series, status=Forum.Status.DRAFT)
    ConcernFactory(forum=draft)
    ForumFactory(series=forum.series)  # a second public forum in the series
    response = client.get(reverse("feedback:series_accountability", kwargs={"slug": forum.series.slug}))
    assert response.context["figures"]["total"] == 5
    assert "Published answer about maternity." in response.content.decode()


def test_draft_forum_page_is_404(client):
    draft = ForumFactory(status=Forum.Status.DRAFT)
    assert client.get(reverse("feedback:forum_accountability", kwargs={"slug": draft.slug})).status_code == 404


def test_empty_forum_page_has_no_division_error(client, forum):
    response = client.get(reverse("feedback:forum_accountability", kwargs={"slug": forum.slug}))
    assert response.context["figures"]["total"] == 0
    assert response.context["figures"]["median_days_to_respond"] is None


def test_on_time_rate_counts_open_overdue(forum):
    now = timezone.now()
    long_ago = now - timedelta(days=120)
    ConcernFactory(
        status=Status.CLOSED, closing_reason="resolved", closed_at=now - timedelta(days=100), received_at=long_ago
    )
    ConcernFactory(status=Status.CLOSED, closing_reason="resolved", closed_at=now, received_at=long_ago)  # late
    ConcernFactory(status=Status.UNDER_REVIEW, received_at=long_ago)  # open and overdue
    ConcernFactory(status=Status.NEW)  # open, on time: not counted
    counts = selectors.concern_counts(concerns=Concern.objects.all())
    assert (counts["closed"], counts["closed_on_time"], counts["overdue"]) == (2, 1, 1)
    assert counts["on_time_rate"] == 33


def test_sensitive_new_concern_overdue_after_24_hours():
    concern = ConcernFactory(sensitive=True, triage_due=timezone.now() - timedelta(hours=1))
    assert list(Concern.objects.filter(selectors.overdue_q())) == [concern]


def test_concerns_for_digest():
    now = timezone.now()
    fresh = ConcernFactory()
    late = ConcernFactory(received_at=now - timedelta(days=60))
    digest = selectors.concerns_for_digest(since=now - timedelta(days=1))
    assert list(digest["new"]) == [fresh]
    assert list(digest["overdue"]) == [late]


def test_public_figures_hide_small_numbers_and_the_cell_that_would_reveal_them(forum, concerns):
    """5 concerns: 4 on maternity and 1 on pensions; 4 in Svay Rieng and 1 in Kampot. Each 1 is hidden and, being
    the only small count in its column, the 4 beside it too (4 = 5 - 1)."""
    figures = selectors.accountability_figures_public(concerns=Concern.objects.filter(forum=forum))

    assert figures["total"] == 5
    assert dict(figures["by_category"]) == {"Maternity allowance": None, "Old-age pension": None}
    assert {row["province__name_en"]: row["n"] for row in figures["by_province"]} == {
        "Svay Rieng": None,
        "Kampot": None,
    }
    # 1 of 5 resolved would name someone; 3 of 5 acknowledged and responded (2 not) would too.
    assert (figures["acknowledged_share"], figures["responded_share"], figures["resolved_share"]) == (None, None, None)
    assert not {"acknowledged", "responded", "resolved"} & set(figures)


def test_public_figures_show_counts_of_three_and_more(forum):
    for _ in range(3):
        ConcernFactory(forum=forum, category="pension")
    for _ in range(4):
        ConcernFactory(forum=forum)

    figures = selectors.accountability_figures_public(concerns=Concern.objects.filter(forum=forum))

    assert (figures["total"], dict(figures["by_category"])) == (7, {"Maternity allowance": 4, "Old-age pension": 3})


def test_public_page_says_fewer_than_3_and_explains_the_rule(client, forum, concerns):
    page = client.get(reverse("feedback:forum_accountability", kwargs={"slug": forum.slug})).content.decode()

    assert "fewer than 3" in page
    assert 'data-testid="small-numbers-note"' in page
