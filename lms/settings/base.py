"""Settings shared by every environment. Secrets and hosts come from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

from lms.sso_config import socialaccount_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("LMS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lms.apps.LmsConfig",
    "courses",
    # xapi sits on top of the others but is listed before them: its course_completed receiver then
    # runs before certificates', so the LRS hears "completed" before "earned".
    "xapi",
    "quizzes",
    "certificates",
    "practice",
    "surveys",
    "dashboard",
    "reports",
    "api",
    "lti",
    "content",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.apps.LmsUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "polymorphic",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Links written during a request use its address on the embedded default (lms/site_url.py).
    "lms.site_url.SiteURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The cache entries every signed-in request reads, in one round trip (lms/request_cache.py).
    "lms.request_cache.PrefetchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: staff reach the Wagtail admin only with a second step (lms/mfa.py).
    "lms.mfa.AdminTwoStepMiddleware",
    # Outside the public page cache, so cached pages get the same headers as fresh ones.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.security.CSPMiddleware",  # django-csp's, the site-wide policy built once
    "lms.security.CSPNonceMiddleware",
    "lms.security.PrivateResponsesMiddleware",
    "courses.caching.PublicPageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from this site (or with the request's nonce),
# no plugins, no <base>, never framed (the admin's preview excepted, lms/security.py). Styles allow
# inline attributes, which the Wagtail admin and progress bars use.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": [
            "'self'",
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite file by default; PostgreSQL (or anything dj-database-url reads) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and a writer work at once; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "lms.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
# Wagtail page privacy ("signed-in users only") sends visitors to the site's own sign-in page.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-au"
TIME_ZONE = "Australia/Sydney"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Certificates are personal records: stored outside MEDIA_ROOT so no URL serves them directly;
# only the owner's download view streams them.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# Cache: Redis when REDIS_URL is set (shared by every app server), otherwise the database,
# so a second app server never depends on one process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing one Redis client object (lms/redis_cache.py).
            "BACKEND": "lms.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "govsocial",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lms_cache",
        }
    }
# Sessions read from the shared cache, written through to the database (which keeps them across
# a cache flush): no session query on most signed-in requests.
# (lms/sessions.py: the same engine, read in the request's one prefetch from the cache.)
SESSION_ENGINE = "lms.sessions"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "GovSocial Academy <noreply@localhost>")

WAGTAIL_SITE_NAME = "GovSocial Academy"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The public address in every absolute link (emails, certificate PDFs and QR codes, credentials):
# lms/site_url.py. Set it in production; dev derives it from each request unless it is set.
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
SITE_BASE_URL_FROM_REQUEST = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Lesson videos (mp4, m4v, webm) and their WebVTT captions (vtt) are documents too, checked by their
# content on upload (courses.forms.CourseDocumentForm) and streamed to learners by the lesson
# (courses.media), never from /documents/ (courses.wagtail_hooks).
WAGTAILDOCS_EXTENSIONS = [
    *["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"],
    *["mp4", "m4v", "webm", "vtt"],
]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "courses.forms.CourseDocumentForm"
WAGTAILEMBEDS_RESPONSIVE_HTML = True


# --- Accounts: django-allauth (lms/accounts.py) --------------------------------------------------
# Sign-up, login, logout, password reset and change, and email addresses are allauth's views with
# the site's templates (lms/templates/account/). Every way in goes through allauth's login, so its
# rate limits apply: the Wagtail admin's and Wagtail's front-end login pages redirect there.
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend with permissions from the shared cache (lms/permissions.py).
    "lms.permissions.CachedPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Sessions signed in before the cached backend name Django's own: kept so they stay signed in
    # (it answers as the first does, and reads the permissions the first already read).
    "django.contrib.auth.backends.ModelBackend",
]
ACCOUNT_ADAPTER = "lms.accounts.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "lms.forms.SignupForm",
    "login": "lms.forms.LoginForm",
    "reset_password": "lms.forms.ResetPasswordForm",
    "reset_password_from_key": "lms.forms.ResetPasswordKeyForm",
    "change_password": "lms.forms.ChangePasswordForm",
    "set_password": "lms.forms.SetPasswordForm",
    "add_email": "lms.forms.AddEmailForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# "mandatory" makes sign-up answer the same way whether or not the address already has an account
# (allauth's enumeration prevention needs it: the owner gets an email instead). The adapter's
# login stage asks for the confirmation only at sign-up, so a learner can log in and learn before
# confirming; certificates wait for a confirmed address (certificates/services.py).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a POST, so link scanners in mail gateways confirm nothing
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# An authenticated user may open the login page (to switch account, or after the admin refused
# them): redirecting them away would loop with the admin's "log in with another account".
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "GovSocial Academy: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_BASE_URL.startswith("https://") else "http"
# Rate limits, counted in the cache (Redis or the database cache above: shared by every app server).
# Per IP address and per account ("key": the email address typed). Agencies often share one
# public IP address, so the per-IP limits leave room for a room full of learners.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,100/h/ip",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
# The client address the rate limits use: REMOTE_ADDR, or the address the nearest of N trusted
# proxies saw (the same DJANGO_TRUSTED_PROXY_COUNT as the certificate verification limit).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# The Wagtail admin has no login, password reset or email form of its own: allauth's are used.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False

# Two-step sign-in (allauth.mfa; lms/mfa.py; README "Two-step sign-in"): an authenticator app (TOTP)
# with recovery codes, for anyone who wants it, and required before the Wagtail admin opens for
# anyone who can reach it. The code step shares login_failed's limits (5 wrong codes per 5 minutes
# per account). The QR code is an SVG data: URI, which img-src already allows.
INSTALLED_APPS += ["allauth.mfa"]
MFA_ADAPTER = "lms.mfa.TwoStepAdapter"
# Security keys and passkeys (WebAuthn, fido2) as a second step too. Browsers allow WebAuthn only in
# a secure context (https, or http://localhost), and the relying party ID is the site's host name.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
# A code from the 30 seconds before or after also counts (RFC 6238 §5.2): a phone's clock a little
# off, or a code typed as it changes, still works. Each code still works once (allauth remembers it).
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "lms.forms.TwoStepLoginForm",
    "reauthenticate": "lms.forms.TwoStepReauthenticateForm",
    "activate_totp": "lms.forms.ActivateAuthenticatorAppForm",
}
# --- end accounts ---------------------------------------------------------------------------------


# --- Single sign-on: allauth.socialaccount (lms/sso.py; README "Single sign-on") ------------------
# OpenID Connect providers (Entra ID, Okta, Google Workspace, ...) from the admin (*Settings → Single
# sign-on*) or the environment; SAML 2.0 providers from the environment. Callback URLs:
# /accounts/oidc/<provider id>/login/callback/ and /accounts/saml/<id>/acs/.
INSTALLED_APPS += [
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
]
SOCIALACCOUNT_ADAPTER = "lms.sso.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "lms.forms.SocialSignupForm"}
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
    os.environ.get("SSO_OIDC_PROVIDERS", ""), os.environ.get("SSO_SAML_PROVIDERS", "")
)
# A newcomer always sees *Finish signing in* (name for the certificate, role claim).
SOCIALACCOUNT_AUTO_SIGNUP = False
# Link to an existing account through its email address, and connect it, only when the provider
# verified an address at its organisation's domains (the adapter decides which addresses count).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the login buttons POST (CSRF-protected) before leaving the site
SOCIALACCOUNT_STORE_TOKENS = False  # we only need who the person is, not access to their data
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10  # seconds, for the provider's discovery, token and userinfo calls
# --- end single sign-on ---------------------------------------------------------------------------


# --- Certificates: background rendering and the verification rate limit (certificates app) ------
# Wagtail's own tasks stay on the "default" (immediate) backend, as before; certificate PDFs are
# rendered from the database queue by a worker: `python manage.py db_worker --backend certificates`.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "certificates": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    # Notification emails (lms/emails.py): a worker runs `db_worker --backend emails`.
    "emails": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    # xAPI statements to the learning record store (xapi/services.py): `db_worker --backend xapi`.
    "xapi": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    # Scores to LTI platforms' gradebooks (lti/grades.py): `db_worker --backend lti`.
    "lti": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
EMAIL_MAX_ATTEMPTS = 5
EMAIL_RETRY_DELAY = 300  # seconds before the 2nd attempt; 600 before the 3rd, and so on
CERTIFICATE_RENDER_TIMEOUT = float(os.environ.get("CERTIFICATE_RENDER_TIMEOUT", "20"))  # seconds
CERTIFICATE_RENDER_MAX_ATTEMPTS = 3
CERTIFICATE_VERIFY_RATE_LIMIT = (30, 60)  # requests per IP address, per seconds
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# --- end certificates ---------------------------------------------------------------------------


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
    },
}


def require_secret_key():
    if not SECRET_KEY:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in the environment.")


# The learning-record API (/api/v1/): requests per minute per token, counted in the shared cache.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "120"))

# --- xAPI: learning events to a learning record store (xapi app; README "xAPI") -----------------
# Off (nothing recorded or sent) while XAPI_LRS_URL is empty. The URL is the LRS's xAPI endpoint,
# for example https://lrs.example.gov.au/xAPI (statements go to <url>/statements).
XAPI_LRS_URL = os.environ.get("XAPI_LRS_URL", "")
XAPI_LRS_USERNAME = os.environ.get("XAPI_LRS_USERNAME", "")
XAPI_LRS_PASSWORD = os.environ.get("XAPI_LRS_PASSWORD", "")
XAPI_LRS_TIMEOUT = float(os.environ.get("XAPI_LRS_TIMEOUT", "10"))
# Seconds to wait before each further try while the LRS is down or refusing (the last repeats).
XAPI_RETRY_DELAYS = (10, 30, 60, 300, 900, 3600)

# --- LTI 1.3: agencies' own LMSs launch our courses; grades go back (lti app; README "LTI 1.3") --
# Platforms are registered in the admin (*Settings → LTI platforms*). Seconds to wait for a
# platform's keyset, token and scores endpoints, and before each further try of a score.
LTI_HTTP_TIMEOUT = float(os.environ.get("LTI_HTTP_TIMEOUT", "10"))
LTI_RETRY_DELAYS = (10, 30, 60, 300, 900, 3600)
