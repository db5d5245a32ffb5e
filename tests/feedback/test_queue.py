"""The officer's queue: saved views, filters, the next due date, keyset pages at a constant query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import selectors
from feedback.models import NEXT_DUE, Concern
from tests.feedback.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Status = Concern.Status


def _queue(client, **params):
    return client.get(reverse("feedback:queue"), params)


def _pks(response):
    return [concern.pk for concern in response.context["concerns"]]


def _closed(**kwargs):
    return ConcernFactory(status=Status.CLOSED, closing_reason=Concern.ClosingReason.RESOLVED, **kwargs)


def test_the_default_view_is_open_concerns_due_soonest(staff_client):
    now = timezone.now()
    later = ConcernFactory(status=Status.UNDER_REVIEW, received_at=now)  # answer due in 10 working days
    sooner = ConcernFactory(status=Status.NEW, received_at=now)  # acknowledge due in 2 working days
    oldest = ConcernFactory(status=Status.RESPONDED, received_at=now - timedelta(days=60))  # resolve date past
    _closed()
    response = _queue(staff_client)
    assert _pks(response) == [oldest.pk, sooner.pk, later.pk]
    assert response.context["view"] == "open"


def test_saved_views(staff_client, nssf_staff, nssf_supervisor):
    mine = ConcernFactory(assignee=nssf_staff)
    theirs = ConcernFactory(assignee=nssf_supervisor)
    nobody = ConcernFactory()
    late = ConcernFactory(received_at=timezone.now() - timedelta(days=90))
    closed = _closed(assignee=nssf_staff)
    assert _pks(_queue(staff_client, view="mine")) == [mine.pk]
    assert set(_pks(_queue(staff_client, view="unassigned"))) == {nobody.pk, late.pk}
    assert _pks(_queue(staff_client, view="overdue")) == [late.pk]
    assert set(_pks(_queue(staff_client, view="open"))) == {mine.pk, theirs.pk, nobody.pk, late.pk}
    assert closed.pk in _pks(_queue(staff_client, view="all"))


def test_status_filter_takes_several_statuses_without_a_blank(staff_client):
    new = ConcernFactory(status=Status.NEW)
    responded = ConcernFactory(status=Status.RESPONDED)
    ConcernFactory(status=Status.UNDER_REVIEW)
    closed = _closed()
    response = staff_client.get(reverse("feedback:queue"), {"status": ["new", "responded", "closed"]})
    assert set(_pks(response)) == {new.pk, responded.pk, closed.pk}
    page = response.content.decode()
    assert "---------" not in page
    assert 'name="status" value="closed"' in page
    assert page.count('type="checkbox" class="form-check-input"  name="status"') == len(Status.values)


def test_each_row_shows_the_first_line_and_the_next_due_date(staff_client):
    concern = ConcernFactory(description="The hospital asked me to pay.\nSecond line stays on the concern page.")
    page = _queue(staff_client).content.decode()
    assert "The hospital asked me to pay." in page
    assert "Second line stays on the concern page." not in page
    assert concern.acknowledge_due.strftime("%-d %b %Y") in page
    assert f'<a class="text-nowrap fw-bold" href="{concern.get_absolute_url()}">{concern.display_code}</a>' in page


def test_keyset_pages_cover_every_concern_once():
    concerns = ConcernFactory.create_batch(7)
    seen, params = [], {}
    for _ in range(5):
        page = selectors.keyset_page(
            Concern.objects.annotate(next_due=NEXT_DUE),
            ordering=selectors.SORTS["next_due"],
            after=params.get("after", ""),
            size=3,
        )
        seen += [row.pk for row in page["rows"]]
        if not page["next_cursor"]:
            break
        params["after"] = page["next_cursor"]
    assert sorted(seen) == sorted(c.pk for c in concerns)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_every_sort_pages_through_the_view(staff_client, sort):
    ConcernFactory.create_batch(5, received_at=timezone.now() - timedelta(days=1))
    ConcernFactory.create_batch(3, priority=Concern.Priority.HIGH)
    expected = _pks(_queue(staff_client, sort=sort))
    seen, after = [], ""
    for _ in range(10):
        page = selectors.keyset_page(
            selectors.concerns_queue(user=_staff(staff_client), filters={"sort": sort}),
            ordering=selectors.SORTS[sort],
            after=after,
            size=3,
        )
        seen += [row.pk for row in page["rows"]]
        after = page["next_cursor"]
        if not after:
            break
    assert seen == expected


def _staff(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4IiwgMV0", "eyJhIjogMX0", "%%%", "WzEsMiwzLDRd"])
def test_a_bad_cursor_starts_from_the_first_page(staff_client, cursor):
    concern = ConcernFactory()
    response = _queue(staff_client, after=cursor)
    assert response.status_code == 200
    assert _pks(response) == [concern.pk]


def test_the_next_link_carries_the_filters(staff_client):
    ConcernFactory.create_batch(51, category="pension")
    response = _queue(staff_client, category="pension")
    assert len(response.context["concerns"]) == 50
    page = response.content.decode()
    assert 'rel="next" href="?category=pension&amp;after=' in page
    second = staff_client.get(reverse("feedback:queue") + f"?category=pension&after={response.context['next_cursor']}")
    assert len(second.context["concerns"]) == 1


def test_the_count_is_capped(staff_client, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors.count_capped, "__defaults__", (3,))
    ConcernFactory.create_batch(5)
    response = _queue(staff_client)
    assert response.context["counts"] == {"total": 3, "more": True}
    assert "More than 3 concerns" in response.content.decode()


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("feedback:queue"), params)
    assert response.status_code == 200
    return len(captured)


def test_query_count_is_the_same_on_every_page_and_with_every_filter(staff_client, forum, nssf_staff):
    ConcernFactory.create_batch(120, forum=forum)
    first = _queue(staff_client)
    baseline = _queries(staff_client, {})
    assert _queries(staff_client, {"after": first.context["next_cursor"]}) == baseline
    second = staff_client.get(reverse("feedback:queue"), {"after": first.context["next_cursor"]})
    assert _queries(staff_client, {"after": second.context["next_cursor"]}) == baseline
    assert _queries(staff_client, {"view": "mine"}) == baseline
    filtered = {"q": "maternity allowance", "forum": forum.pk, "status": ["new"]}
    # One more for the forum filter: the form checks that the forum exists.
    assert _queries(staff_client, filtered) == baseline + 1
    next_page = staff_client.get(reverse("feedback:queue"), filtered).context["next_cursor"]
    assert _queries(staff_client, {**filtered, "after": next_page}) == baseline + 1
    ConcernFactory.create_batch(200)
    assert _queries(staff_client, {}) == baseline


def test_khmer_word_search_uses_the_same_path(staff_client):
    concern = ConcernFactory(description="ខ្ញុំមិនទាន់បានទទួលប្រាក់ឧបត្ថម្ភមាតុភាពទេ។\nបន្ទាត់ទីពីរ")
    ConcernFactory(description="Card lost at the branch office.")
    response = _queue(staff_client, q="ឧបត្ថម្ភ")
    assert _pks(response) == [concern.pk]


def test_the_trigram_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'concern_description_trgm_idx'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper(description)" in definition


def test_the_word_search_can_use_the_trigram_index():
    """The substring search Django writes is the very expression the index holds."""
    ConcernFactory.create_batch(3)
    queryset = selectors._search(Concern.objects.order_by(), "husband")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "concern_description_trgm_idx" in plan
