"""The Celery application: one for the web process, the worker and beat."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, worker_init
from django.conf import settings

from forum_portal.local_dirs import local_dirs_create

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")

app = Celery("forum_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _worker_local_dirs(**kwargs):
    local_dirs_create()


@beat_init.connect
def _beat_local_dirs(**kwargs):
    local_dirs_create(Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent)
