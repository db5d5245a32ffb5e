from django.conf import settings

from forum_portal.privacy import retention_periods


def site(request):
    """Expose the site name to every template."""
    return {"SITE_NAME": settings.SITE_NAME}


def privacy(request):
    """Expose the retention periods to the privacy notices, so the notice says what the code does."""
    return {"retention": retention_periods()}
