"""The organizers' search at scale: trigram indexes serve name and phone fragments, Khmer names included."""

import pytest
from django.db import connection
from django.urls import reverse

from participants import selectors
from participants.models import Registration
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test tables are tiny: forbid the sequential scan so the plan shows whether an index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("text", "index"),
    [("សុខា", "registration_name_trgm_idx"), ("Dara", "registration_name_trgm_idx")],
)
def test_name_search_can_use_the_trigram_index(text, index):
    registration = RegistrationFactory(full_name="ចាន់ សុខា Dara")
    found = selectors.registrations_for_manage(forum=registration.forum, filters={"q": text})
    assert list(found) == [registration]
    assert index in _plan(Registration.objects.filter(full_name__icontains=text))


def test_phone_search_can_use_the_trigram_index():
    registration = RegistrationFactory(phone="+85512987654")
    found = selectors.registrations_for_manage(forum=registration.forum, filters={"q": "012 987 654"})
    assert list(found) == [registration]
    assert "registration_phone_trgm_idx" in _plan(Registration.objects.filter(phone__contains="12987654"))


def test_check_in_search_finds_khmer_names(organizer_client):
    wanted = RegistrationFactory(full_name="ស្រី សុខា")
    RegistrationFactory(forum=wanted.forum, full_name="ចាន់ ដារ៉ា")
    url = reverse("participants:check_in", kwargs={"slug": wanted.forum.slug})
    body = organizer_client.get(url, {"q": "សុខា"}).content.decode()
    assert "ស្រី សុខា" in body
    assert "ចាន់ ដារ៉ា" not in body


def test_participant_list_deep_page_matches_the_order(organizer_client):
    first = RegistrationFactory()
    forum = first.forum
    RegistrationFactory.create_batch(54, forum=forum)
    expected = list(Registration.objects.filter(forum=forum).order_by("created_at", "pk"))[50:]
    response = organizer_client.get(reverse("participants:manage_list", kwargs={"slug": forum.slug}), {"page": 2})
    assert list(response.context["registrations"]) == expected
    assert response.context["totals"]["total"] == 55
    assert response.context["seats"]["confirmed"] == 55
