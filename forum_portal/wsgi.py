import os

from django.core.wsgi import get_wsgi_application

from forum_portal.local_dirs import local_dirs_create

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum_portal.settings")

application = get_wsgi_application()
local_dirs_create()
