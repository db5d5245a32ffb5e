"""Keep pages with personal data out of browser and proxy caches (ASVS 14.3.2).

Organizers and staff see names, phones and concerns on nearly every page, so everything served to a
logged-in user is `no-store`. Anonymous visitors see personal data only on a few pages (their own
registration, their concern's tracking page, the answers to forms they posted): those are listed here.
Public forum pages stay cacheable.
"""

from django.utils.cache import add_never_cache_headers, patch_cache_control

PERSONAL_VIEWS = {
    "participants:confirmation",
    "participants:manage",
    "participants:ics",
    "participants:self_cancel",
    "participants:self_erase",
    "participants:register",
    "participants:confirmation_resend",
    "feedback:concern_create",
    "feedback:concern_submitted",
    "feedback:concern_track",
    "feedback:concern_track_link",
    "feedback:concern_resolution",
}


class NoStoreForPersonalDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else ""
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or view in PERSONAL_VIEWS or request.method == "POST":
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class ClearSiteDataOnLogoutMiddleware:
    """Tell the browser to drop what pages stored on the device (the check-in roster and queue) on logging out.

    The offline check-in page keeps a forum's roster in the browser's storage and its pages in a service worker
    cache; `Clear-Site-Data` removes both once the organizer logs out, even if the check-in page is not open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match and match.view_name == "account_logout" and request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
