"""The embedded default: SQLite, console email, served on 127.0.0.1 by runserver."""

import os

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY as _SECRET_KEY

DEBUG = True
# Links in emails, PDFs and QR codes use the address each request came in on (any port), unless
# SITE_BASE_URL is set in the environment (lms/site_url.py).
SITE_BASE_URL_FROM_REQUEST = "SITE_BASE_URL" not in os.environ
SECRET_KEY = _SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
