"""A Khmer reader never meets English they did not choose: every page on /km/, as each role, and the error
states of the public forms, read for English words.

The pages and roles are the permission matrix's (tests/security/test_permission_matrix.py): every row a role
may open (status 200) is fetched in Khmer. What may stay in Latin letters: content (any text stored in the
database, such as a forum's English title), text explicitly marked with another `lang` (the language switcher's
"English"), codes, numbers, addresses, and the brand and technical names in ALLOWED_WORDS. Django's admin is left
out: it is the administrators' tool, with Django's own Khmer catalogue.

This test reads the compiled Khmer catalogue (locale/km/LC_MESSAGES/django.mo): strings added since it was
last compiled are English until their translations (locale/pending/*.json) are merged and compiled.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from tests.security.test_permission_matrix import ROLES, ROWS, World, _log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def khmer_world(private_media, png_bytes):
    """The permission matrix's objects: a forum, a registration and its link, a concern, materials."""
    return World(png_bytes)


# Brand, product and technical names that Khmer text writes in Latin letters too.
ALLOWED_WORDS = {
    "NSSF",
    "Oxfam",
    "Telegram",
    "Wi",  # Wi-Fi
    "Fi",
    "SMS",
    "PDF",
    "CSV",
    "QR",
    "ICS",
    "MEF",
    "ID",
    "Email",
    "email",
    "WebAuthn",
    "TOTP",
    "Google",
    "Authenticator",
    "YouTube",
    "Facebook",
    "Excel",
    "JPEG",
    "PNG",
    "WebP",
    "MB",
    "KB",
    "PowerPoint",
    "OpenDocument",
    "JavaScript",
    "Passkey",
    "passkey",
    "PIN",
    "IP",
    "UUID",
    "JSON",
    "cookies",
    "spam",
    "slug",  # the organizers' word for the forum's address, kept in Latin by the Khmer catalogue
    "Tab",  # the key's name, as printed on keyboards
    "Khmer",  # the language switcher names each language in itself; "Khmer" appears only inside lang="en"
    "English",
}
# Latin text that is not a sentence: addresses, codes, file names, numbers with units.
NOT_WORDS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|\b[\w-]+\.(?:pdf|csv|ics|png|jpg|kh|org|com)\b"
    r"|\b[A-Z0-9]{2,}(?:-[A-Z0-9]+)*\b|\b\d[\w:./-]*\b|data\.mef\.gov\.kh|\.[a-z]{2,4}\b"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
VISIBLE_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
HIDDEN_TAGS = {"script", "style", "template", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    """Collect what a reader sees or hears: text and labelling attributes, outside scripts and other-`lang` parts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = (attributes.get("lang") or "").lower()
        skipped = tag in HIDDEN_TAGS or (bool(lang) and not lang.startswith("km")) or "hidden" in attributes
        skipped = skipped or (attributes.get("aria-hidden") == "true" and tag != "html")
        if not (skipped or self._skipping()):
            self.texts += [attributes[name] for name in VISIBLE_ATTRIBUTES if attributes.get(name)]
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.texts.append(attributes["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if data.strip() and not self._skipping():
            self.texts.append(data)


def _content_strings() -> list[str]:
    """Return every text stored in the project's tables: content, which may be in either language."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"events", "participants", "feedback", "notifications", "accounts", "audit"}:
            continue
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        for row in model.objects.values_list(*fields) if fields else ():
            values |= {value.strip() for value in row if isinstance(value, str) and len(value.strip()) >= 2}
        # People's names are shown whole or in part (a first name in the menu).
        for name_field in {"full_name", "first_name", "last_name", "contact_name"} & set(fields):
            for name in model.objects.values_list(name_field, flat=True):
                values |= {word for word in (name or "").split() if len(word) >= 2}
    # Longest first, so a title is removed before a word inside it.
    return sorted(values, key=len, reverse=True)


def english_fragments(html: str, *, content: list[str]) -> list[str]:
    """Return the visible texts of `html` that still hold an English word once content and codes are removed."""
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        rest = " ".join(text.split())
        for value in content:
            if value in rest:
                # Whole words only: a short stored value ("en") must not cut an interface word in two.
                rest = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", rest)
        rest = NOT_WORDS.sub(" ", rest)
        words = [word for word in LATIN_WORD.findall(rest) if word not in ALLOWED_WORDS]
        if words:
            found.append(" ".join(text.split()))
    return sorted(set(found))


def _khmer_pages(client, world, role):
    """Yield (name, response) for every row `role` may open, fetched in Khmer."""
    for name, row in sorted(ROWS.items()):
        if name.startswith("admin:") or row.method != "get" or row.statuses[ROLES.index(role)] != 200:
            continue
        with translation.override("km"):
            url = row.url(world, role)
        yield name, url, client.get(url)


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


FORM = re.compile(r'<form[^>]*method="post"[^>]*>', re.IGNORECASE)
ACTION = re.compile(r'action="([^"]*)"')


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_in_khmer(client, khmer_world: World, role):
    _log_in(client, role)
    pages = list(_khmer_pages(client, khmer_world, role))
    content = _content_strings()
    problems = {}
    for name, url, response in pages:
        assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
        if _is_html(response):
            assert '<html lang="km"' in response.content.decode(), name
            if english := english_fragments(response.content.decode(), content=content):
                problems[f"{name} ({url})"] = english

    assert not problems, "English on Khmer pages:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())


@pytest.mark.parametrize("role", ["anonymous", "participant"])
def test_public_forms_show_their_errors_in_khmer(client, khmer_world: World, role):
    """Send every public form empty: the errors it answers with are Khmer too."""
    _log_in(client, role)
    problems = {}
    for name, url, response in list(_khmer_pages(client, khmer_world, role)):
        if not _is_html(response):
            continue
        for form in FORM.findall(response.content.decode()):
            action = ACTION.search(form)
            target = action.group(1) if action and action.group(1) else url
            if not target.startswith("/km/") or "/i18n/" in target or "logout" in target:
                continue
            answer = client.post(target, {})
            if answer.status_code not in (200, 400, 409, 422) or not _is_html(answer):
                continue
            if english := english_fragments(answer.content.decode(), content=_content_strings()):
                problems[f"{name}: POST {target}"] = english

    assert not problems, "English in Khmer form errors:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_english_fragments_finds_english_and_spares_content_codes_and_marked_text():
    html = (
        '<html lang="km"><body><h1>វេទិកា Regional Forum 3</h1><p>Ensure this value has at least 10 characters.</p>'
        '<p>លេខកូដ ACDEF-GHJKM · 012 345 678 · NSSF</p><a lang="en" href="/en/">English version</a>'
        "<script>var label = 'English in a script';</script><button aria-label=\"Close\">&times;</button></body></html>"
    )

    found = english_fragments(html, content=["Regional Forum 3"])

    assert found == ["Close", "Ensure this value has at least 10 characters."]


def _khmer_error_pages(client):
    """Yield (name, html) for each error page as a Khmer reader meets it."""
    yield "404", client.get("/km/no-such-page/").content.decode()
    yield "400", client.get("/km/", headers={"host": "evil.example"}).content.decode()
    csrf_client = client.__class__(enforce_csrf_checks=True)
    yield "403 CSRF", csrf_client.post("/km/concerns/new/", {}).content.decode()
    with translation.override("km"):
        from django.template.loader import render_to_string

        yield "403", render_to_string("403.html")
        yield "429", render_to_string("429.html", {"retry_after": 2})
        yield "500", render_to_string("500.html")


def test_error_pages_read_in_khmer(client):
    pages = dict(_khmer_error_pages(client))

    for name, html in pages.items():
        assert '<html lang="km"' in html, name
    problems = {name: found for name, html in pages.items() if (found := english_fragments(html, content=[]))}
    assert not problems, problems
