from allauth.account import views as allauth_views
from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import routing

from . import views

# Accounts are allauth's (names account_*). The short names the templates and other apps use
# ("login", "logout", "signup", "password_reset", "password_change") name the same allauth pages.
account_patterns = [
    path("login/", views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("signup/", allauth_views.signup, name="signup"),
    path("password/reset/", allauth_views.password_reset, name="password_reset"),
    path("password/change/", allauth_views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("3rdparty/", views.connections, name="socialaccount_connections"),
    path("2fa/", views.two_step, name="mfa_index"),
    path("2fa/webauthn/keys/<int:pk>/remove/", views.remove_security_key, name="mfa_remove_webauthn"),
    # Invitation and reset links emailed before allauth: now lead to allauth's page.
    path("password-reset/<uidb64>/<token>/", views.legacy_password_link, name="password_reset_confirm"),
    path("", include("allauth.urls")),
]

urlpatterns = [
    # The admin's and Wagtail's own login pages lead to allauth's (its rate limits apply).
    path("admin/login/", views.login_elsewhere, name="admin_login"),
    path("_util/login/", views.login_elsewhere, name="frontend_login"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include(account_patterns)),
    path("my-learning/", include("dashboard.urls")),
    path("learn/", include("courses.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("certificates/", include("certificates.urls")),
    path(".well-known/", include("certificates.well_known_urls")),
    path("practice/", include("practice.urls")),
    path("surveys/", include("surveys.urls")),
    path("api/v1/", include("api.urls")),
    path("lti/", include("lti.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    # Documents (lesson videos among them) are served by their views, which check who asks; only
    # the rest of MEDIA_ROOT (image renditions) is served as plain files in development.
    urlpatterns.append(path(settings.MEDIA_URL.lstrip("/") + "documents/<path:name>", views.not_found))
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's own URLs, with its page serving given the route from the shared cache (courses.routing).
urlpatterns += [pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"]
urlpatterns.append(re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"))
