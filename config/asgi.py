"""ASGI entry point (uvicorn/daphne config.asgi:application, or any ASGI server).

An ASGI server is a deployment: unless DJANGO_DEBUG is set explicitly it runs in production mode,
which refuses to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. So a server started
without configuration never serves debug pages signed with the well-known development key.
``manage.py runserver`` / ``demo`` load the settings first (debug by default) and are unaffected.
"""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if not settings.configured:
    os.environ.setdefault("DJANGO_DEBUG", "0")
application = get_asgi_application()
