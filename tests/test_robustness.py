"""No input makes the portal answer 500: every URL, every role, garbage in paths, queries and forms."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.events.factories import ForumFactory

pytestmark = pytest.mark.django_db

GARBAGE = ["", "99999999999999999999", "' OR 1=1 --<script>alert(1)</script>", "ក្រសួង" * 50 + "x" * 5000, "%00"]
SKIP_PREFIXES = ("admin/", "i18n/", "accounts/", "static/")


def _patterns(resolver=None, prefix=""):
    """Yield (route, pattern) for every URL of the project, outside the admin and allauth."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _project_routes():
    routes = []
    for route, _pattern in _patterns():
        plain = route.lstrip("^").replace("\\Z", "").replace("$", "")
        plain = re.sub(r"^(en|km)/", "", plain)
        if plain.startswith(SKIP_PREFIXES):
            continue
        routes.append(plain)
    return sorted(set(routes))


def _fill(route, *, slug, value):
    """Turn a route into a path, with the forum's slug for slug parameters and `value` elsewhere."""
    route = re.sub(r"<slug:slug>|\(\?P<slug>[^)]*\)", slug, route)
    route = re.sub(r"\(\?P<action>[^)]*\)", "publish", route)
    route = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "12345" if m.group(1) == "int" else value, route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", value, route)
    return "/en/" + route.replace("\\", "")


@pytest.mark.parametrize("who", [None, "user_without_role", "organizer", "nssf_staff", "administrator"])
def test_no_url_answers_500_to_garbage(client, request, who):
    forum = ForumFactory()
    if who:
        client.force_login(request.getfixturevalue(who))
    client.raise_request_exception = False

    failures = []
    for route in _project_routes():
        for value in ("ABC234", "%3Cscript%3E"):
            path = _fill(route, slug=forum.slug, value=value)
            for query in ({}, {"q": GARBAGE[4], "page": "-1", "status": "nonsense", "forum": "x" * 300}):
                response = client.get(path, query)
                if response.status_code >= 500:
                    failures.append(("GET", path, query, response.status_code))
            for garbage in GARBAGE:
                data = {"name": garbage, "full_name": garbage, "phone": garbage, "code": garbage, "q": garbage}
                response = client.post(path, data)
                if response.status_code >= 500:
                    failures.append(("POST", path, garbage[:20], response.status_code))
    assert failures == []
