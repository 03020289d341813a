"""The WSGI application (`gunicorn lms.wsgi`), with the objects loaded at startup out of the
garbage collector's way (lms.startup)."""

import os

from django.core.wsgi import get_wsgi_application

from lms.startup import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()
freeze_startup_objects()
