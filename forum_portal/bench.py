"""The bare Django view `make bench` compares every page with: the framework's floor under the same middleware.

Mounted at /bench/bare/ only when BENCH_BARE_VIEW is on (bench/bench_http.py turns it on for its own server).
"""

from django.http import HttpResponse


def bare_view(request):
    """Answer a fixed text: no query, no template, no cache."""
    return HttpResponse(b"ok", content_type="text/plain")
