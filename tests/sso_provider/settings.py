"""A tiny OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in its own
process, with its own SQLite database (SSO_PROVIDER_DB) and signing key (SSO_PROVIDER_KEY, a PEM RSA
key). Started and stopped by tests/sso_provider/harness.py; never part of the LMS."""

import os

SECRET_KEY = "sso-provider-test-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.sso_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.sso_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("SSO_PROVIDER_DB", "")}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("SSO_PROVIDER_KEY", ""),
    "OAUTH2_VALIDATOR_CLASS": "tests.sso_provider.validators.ClaimsValidator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Your name", "email": "Your email address"},
    "PKCE_REQUIRED": True,
}
