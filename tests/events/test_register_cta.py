"""Register where people look first: on each open forum's card, and near the top of the forum page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["events:home", "events:forum_list"])
def test_open_forums_cards_carry_register_and_the_others_do_not(client, url_name):
    opened = ForumFactory(title="Regional Forum in Svay Rieng")
    later = ForumFactory(title="Regional Forum in Kampot", registration_opens_at=timezone.now() + timedelta(days=3))

    page = client.get(reverse(url_name)).content.decode()

    card_button = r'<a class="btn btn-primary btn-sm[^"]*" href="([^"]+)" aria-describedby="([^"]+)">Register</a>'
    links = re.findall(card_button, page)
    assert links == [(reverse("participants:register", kwargs={"slug": opened.slug}), f"forum-card-{opened.pk}")]
    assert re.search(rf'<h3 [^>]*id="forum-card-{opened.pk}"><a [^>]*>{opened.title}</a>', page)
    assert reverse("participants:register", kwargs={"slug": later.slug}) not in page


def test_full_forums_card_offers_the_waiting_list(client):
    forum = ForumFactory(capacity=1)
    RegistrationFactory(forum=forum)

    page = client.get(reverse("events:home")).content.decode()

    assert re.search(r'aria-describedby="forum-card-\d+">Join the waiting list</a>', page)


def test_forum_page_puts_register_before_the_agenda_and_keeps_one_at_the_bottom_of_small_screens(client):
    forum = ForumFactory()

    page = client.get(forum.get_absolute_url()).content.decode()

    register = reverse("participants:register", kwargs={"slug": forum.slug})
    top = page.index('data-testid="register-cta"')
    assert top < page.index('id="agenda"')
    assert f'href="{register}"' in page[top : top + 300]
    sticky = re.search(r'<div class="register-sticky sticky-bottom d-lg-none[^"]*"[^>]*>\s*<a[^>]*href="([^"]+)"', page)
    assert sticky.group(1) == register


def test_forum_page_has_no_register_button_once_registration_closes(client):
    forum = ForumFactory(registration_closes_at=timezone.now() - timedelta(hours=1))

    page = client.get(forum.get_absolute_url()).content.decode()

    assert "register-cta" not in page and "register-sticky" not in page
    assert reverse("participants:register", kwargs={"slug": forum.slug}) not in page
