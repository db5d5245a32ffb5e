from allauth.account.adapter import DefaultAccountAdapter
from django.urls import NoReverseMatch, reverse

from accounts.roles import PROGRAMME_OFFICERS

# Where each role's work starts, by the permission that work needs (first match wins).
WORK_LISTS = (
    ("events.manage_forums", "events:manage_forum_list"),
    ("feedback.review_concerns", "feedback:queue"),
)
# The programme officers' list of dashboards and reports (reports app, named rather than imported: accounts is the
# lowest layer); the first of these names that exists is their landing page.
PROGRAMME_OFFICER_PAGES = ("reports:index",)
HOME = "events:home"


def work_list_url(user) -> str:
    """Return the page where `user`'s main work starts: the forums they manage, the concern queue, the
    dashboards, or the home page for anyone else."""
    for permission, url_name in WORK_LISTS:
        if user.has_perm(permission):
            return reverse(url_name)
    if user.groups.filter(name=PROGRAMME_OFFICERS).exists():
        for url_name in PROGRAMME_OFFICER_PAGES:
            try:
                return reverse(url_name)
            except NoReverseMatch:
                continue
    return reverse(HOME)


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: administrators create organizer and staff accounts."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        # A safe `next` still wins: allauth validates it and asks this only when there is none.
        return work_list_url(request.user)
