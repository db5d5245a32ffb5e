"""Small things every page shares: dates, the language switch, select placeholders, the form error summary."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.events.factories import ForumFactory

pytestmark = pytest.mark.django_db

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
EVENING = datetime(2027, 1, 3, 19, 0, tzinfo=PHNOM_PENH)


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "fmt", "expected"),
    [
        ("en", "DATE_FORMAT", "3 January 2027"),
        ("en", "SHORT_DATE_FORMAT", "3 Jan 2027"),
        ("en", "DATETIME_FORMAT", "3 January 2027, 19:00"),
        ("en", "SHORT_DATETIME_FORMAT", "3 Jan 2027, 19:00"),
        ("km", "DATE_FORMAT", "3 ខែ មករា ឆ្នាំ 2027"),
        ("km", "DATETIME_FORMAT", "3 ខែ មករា ឆ្នាំ 2027, 19:00"),
    ],
)
def test_dates_are_day_first_or_spelled_out_in_both_languages(language, fmt, expected):
    assert _render(f'{{{{ when|date:"{fmt}" }}}}', language, when=EVENING) == expected


def test_time_is_on_a_24_hour_clock_so_no_sentence_ends_in_a_double_full_stop(client):
    forum = ForumFactory(registration_closes_at=EVENING, starts_at=datetime(2027, 1, 10, 8, 0, tzinfo=PHNOM_PENH))

    page = client.get(forum.get_absolute_url()).content.decode()

    assert "Registration closes on 3 January 2027, 19:00." in page
    assert ".." not in re.sub(r"<[^>]+>", "", page)
    assert "03/01/2027" not in page and "p.m." not in page


@pytest.mark.parametrize(("language", "offered", "label"), [("en", "km", "ខ្មែរ"), ("km", "en", "English")])
def test_language_switch_names_the_other_language_in_its_own_script_outside_the_collapsed_menu(
    client, language, offered, label
):
    page = client.get(f"/{language}/").content.decode()

    switch = re.search(r'<form class="language-switch[^"]*"[^>]*>(.*?)</form>', page, re.DOTALL)
    button = re.search(rf'<button[^>]*value="{offered}" lang="{offered}">([^<]*)</button>', switch.group(1))
    assert button.group(1) == label
    collapsed_menu = re.search(r'<div class="collapse navbar-collapse" id="main-nav">(.*?)</nav>', page, re.DOTALL)
    assert "language-switch" not in collapsed_menu.group(1)


def test_select_placeholders_use_the_portals_translated_words(client):
    forum = ForumFactory()

    page = client.get(reverse("participants:register", kwargs={"slug": forum.slug})).content.decode()

    assert '<option value="" selected>Choose one</option>' in page
    assert "Select an option" not in page and "---------" not in page


def test_error_summary_opens_the_form_with_a_link_to_each_field_in_error(client):
    forum = ForumFactory()

    response = client.post(reverse("participants:register", kwargs={"slug": forum.slug}), {"full_name": ""})

    page = response.content.decode()
    summary = re.search(r'<div class="alert alert-danger error-summary"(.*?)</div>', page, re.DOTALL).group(0)
    form = page[page.index('<form method="post" novalidate class="registration-form">') :]
    first_field = re.search(r"<(input|select|textarea)(?![^>]*csrfmiddlewaretoken)", form).start()
    assert form.index("error-summary") < first_field
    assert 'tabindex="-1"' in summary and "data-error-summary" in summary
    links = re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', summary)
    targets = dict(links)
    assert targets["id_full_name"] == "Full name: This field is required."
    # A radio group links to its first radio, which exists in the page.
    assert targets["id_gender_0"].startswith("Gender")
    for field_id, _text in links:
        assert f'id="{field_id}"' in page, field_id
    assert len(links) == sum(len(errors) for errors in response.context["form"].errors.values())


def test_error_summary_lists_errors_not_tied_to_a_field_without_a_link(client):
    response = client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong password"})

    summary = re.search(
        r'<div class="alert alert-danger error-summary"(.*?)</div>', response.content.decode(), re.DOTALL
    )
    assert "<li>The email address and/or password you specified are not correct.</li>" in summary.group(0)


def test_error_summary_script_is_loaded_from_static_on_every_page(client):
    page = client.get("/en/").content.decode()

    assert re.search(r'<script src="/static/js/error-summary\.js"></script>', page)
    assert "<script>" not in page
