"""The Celery application: one for the web process, the worker and beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")

app = Celery("forum_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
