"""CSRF on every state change, and fields a form does not offer are ignored."""

import pytest
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from lms.models import Organisation, User

pytestmark = pytest.mark.django_db


def every_route(resolver=None, prefix=""):
    """(route string, pattern) for every URL pattern of the project (admin included)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def sample_path(route):
    """A concrete path for a route: converters and regex groups filled with harmless values."""
    import re

    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<[^>]+>", "x", path)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def is_exempt(pattern):
    return getattr(pattern.callback, "csrf_exempt", False)


def resolves_to(path, pattern):
    try:
        return resolve(path).func == pattern.callback
    except Resolver404:
        return False


# SAML 2.0 (allauth): the identity provider's page posts the signed assertion (and logout requests)
# to these from its own origin, so no CSRF token can come with them. The signature, and the
# assertion answering a login request this site stashed (IdP-initiated logins are refused), do
# the token's job.
SAML_ENDPOINTS = {
    "accounts/^saml/(?P<organization_slug>[^/]+)/acs/",
    "accounts/^saml/(?P<organization_slug>[^/]+)/sls/",
}


# LTI 1.3 (lti/launch.py): an agency's LMS starts the login and posts the signed id_token from its
# own site. The state cookie of the browser that began the login, the signature and the nonce used
# once do the token's job.
LTI_ENDPOINTS = {"lti/login/", "lti/launch/"}


def test_only_the_admins_read_only_api_saml_and_lti_endpoints_are_exempt_from_csrf(admin_client, client):
    exempt = [route for route, pattern in every_route() if is_exempt(pattern)]
    api = [route for route in exempt if route not in SAML_ENDPOINTS | LTI_ENDPOINTS]
    assert api and all(route.startswith("admin/api/") for route in api), exempt
    for route in api:  # and it reads only: a POST changes nothing
        assert admin_client.post(sample_path(route)).status_code in (404, 405), route
    for route in set(exempt) & SAML_ENDPOINTS:  # a forged assertion signs nobody in
        client.post(sample_path(route), {"SAMLResponse": "Zm9yZ2Vk"}, follow=True)
        assert "_auth_user_id" not in client.session, route
    assert LTI_ENDPOINTS <= set(exempt)
    for route in LTI_ENDPOINTS:  # a forged launch signs nobody in, and says why
        response = client.post(sample_path(route), {"id_token": "e30.e30.", "state": "forged"})
        assert response.status_code in (400, 403), route
        assert "_auth_user_id" not in client.session, route


def test_a_post_without_the_token_changes_nothing_anywhere(learner, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    paths = {}
    for route, pattern in every_route():
        path = sample_path(route)
        if not is_exempt(pattern) and resolves_to(path, pattern):
            paths[route] = path
    assert len(paths) > 50
    for route, path in paths.items():
        response = client.post(path, {"full_name": "Changed"})
        assert response.status_code in (403, 404), (route, response.status_code)
    learner.refresh_from_db()
    assert learner.full_name != "Changed" and not learner.enrolments.exists()


def test_profile_ignores_fields_it_does_not_offer(client, learner):
    other = Organisation.objects.create(name="Another agency")
    client.force_login(learner)
    client.post(
        "/accounts/profile/",
        {
            "full_name": "Alex Citizen",
            "role": User.Role.TRAINER,
            "is_staff": "on",
            "is_superuser": "on",
            "email": "attacker@example.com",
            "organisation": other.pk,
        },
    )
    learner.refresh_from_db()
    assert learner.role != User.Role.TRAINER and not learner.is_staff and not learner.is_superuser
    assert learner.email != "attacker@example.com"
