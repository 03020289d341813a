"""Production: everything from the environment; refuses to start without a secret key."""

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list, require_secret_key

require_secret_key()
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(__import__("os").environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    **STORAGES,  # noqa: F405
    # WhiteNoise's compressed manifest storage, its URLs worked out once (lms/storage.py).
    "staticfiles": {"BACKEND": "lms.storage.StaticFilesStorage"},
}
