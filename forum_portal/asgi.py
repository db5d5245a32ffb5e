import os

from django.core.asgi import get_asgi_application

from forum_portal.local_dirs import local_dirs_create

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")

application = get_asgi_application()
local_dirs_create()
