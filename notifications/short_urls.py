"""`/r/<token>`: short SMS links, outside the language prefix (the target already names the language)."""

from django.urls import path

from notifications.views import short_link_redirect

urlpatterns = [path("<str:token>", short_link_redirect, name="short_link")]
