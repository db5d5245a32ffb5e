from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from forum_portal.health import healthz

# The admin logs in through allauth's pages, so the same rate limits and the same second factor apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("hooks/", include("notifications.hook_urls")),
    path("r/", include("notifications.short_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("events.urls")),
    path("", include("participants.urls")),
    # Before feedback's: its manage/concerns/<code>/ would take manage/concerns/dashboard/.
    path("", include("reports.urls")),
    path("", include("feedback.urls")),
    path("", include("notifications.urls")),
    path("", include("audit.urls")),
    prefix_default_language=True,
)

if settings.BENCH_BARE_VIEW:
    from forum_portal.bench import bare_view

    urlpatterns.append(path("bench/bare/", bare_view, name="bench_bare"))
