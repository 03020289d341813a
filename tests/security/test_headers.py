"""Headers on every response: Content-Security-Policy, framing, and no-store for signed-in users,
on fresh pages and on pages served from the public page cache alike."""

import pytest
from csp.utils import build_policy
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["/", "/courses/"]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_hardened(response):
    csp = directives(response)
    assert csp["script-src"][0] == "'self'" and "'unsafe-inline'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_fresh_and_cached_public_pages_carry_the_same_security_headers(client, course, path):
    fresh = client.get(path)
    cached = client.get(path)
    assert fresh.status_code == cached.status_code == 200
    assert "public" in cached["Cache-Control"]  # it was served from the shared cache
    for response in (fresh, cached):
        assert_hardened(response)
    assert directives(fresh) == directives(cached)


def test_signed_in_pages_are_private_and_never_stored(client, course, learner):
    client.force_login(learner)
    for path in [*PAGES, course.url, reverse("dashboard"), reverse("profile")]:
        response = client.get(path)
        assert response.status_code == 200, path
        control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= control and "public" not in control, path
        assert_hardened(response)


def test_an_admin_page_with_inline_scripts_carries_their_nonce(admin_client, course):
    quiz = course.get_children().last().get_children().last()
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))
    assert response.status_code == 200
    nonce = next(v for v in directives(response)["script-src"] if v.startswith("'nonce-"))[7:-1]
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert "<script>" not in html  # every inline script is allowed by the nonce, none by luck


def test_the_kept_policy_is_django_csps_with_each_requests_own_nonce(admin_client, course):
    """lms.security.CSPMiddleware builds the site-wide policy once: what it sends is what django-csp
    builds for the request's nonce, and no nonce is sent twice."""
    quiz = course.get_children().last().get_children().last()
    edit = reverse("wagtailadmin_pages:edit", args=[quiz.pk])
    nonces = []
    for _ in range(2):
        response = admin_client.get(edit)
        nonce = next(v for v in directives(response)["script-src"] if v.startswith("'nonce-"))[7:-1]
        assert response["Content-Security-Policy"] == build_policy(nonce=nonce)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    without_a_nonce = Client().get("/courses/")  # no inline script: no nonce asked for
    assert without_a_nonce["Content-Security-Policy"] == build_policy()
    assert "'nonce-" not in without_a_nonce["Content-Security-Policy"]


def test_a_changed_policy_setting_is_sent_at_once(client, course):
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://images.example"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert directives(client.get("/courses/"))["img-src"] == ["https://images.example"]
    assert "https://images.example" not in directives(client.get("/courses/"))["img-src"]
