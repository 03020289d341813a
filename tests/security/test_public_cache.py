"""The public page cache never serves a page after its privacy, place or existence changed."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.caching import VERSION_KEY
from courses.models import CourseIndexPage
from quizzes.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def cached_twice(client, path):
    client.get(path)
    response = client.get(path)
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    return response


def test_making_a_course_private_takes_it_out_of_the_cache_at_once(client, course):
    cached_twice(client, course.url)
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(course.url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    restriction.delete()
    assert client.get(course.url).status_code == 200


def test_changing_the_groups_of_a_restriction_clears_the_cache(client, course, learner):
    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    group = Group.objects.create(name="Council staff")
    client.get("/courses/")
    before = client.get("/courses/").content
    restriction.groups.add(group)
    after = client.get("/courses/")
    assert "public" in after["Cache-Control"] and after.content == before  # refreshed, not stale
    version = cache.get(VERSION_KEY)
    restriction.groups.remove(group)
    assert cache.get(VERSION_KEY) > version


def test_a_moved_page_is_not_served_at_its_old_address(client, course):
    old_url = course.url
    other = make_course(title="Another course", quiz=False)
    cached_twice(client, old_url)
    course.move(other, pos="last-child")
    course.refresh_from_db()
    response = client.get(old_url)  # Wagtail's redirect to the new address, not the cached copy
    assert response.status_code == 301 and response.url == course.url


def test_a_deleted_course_disappears_from_the_cached_catalogue(client, course):
    catalogue = CourseIndexPage.objects.get()
    assert course.title.encode() in cached_twice(client, catalogue.url).content
    course.delete()
    assert course.title.encode() not in client.get(catalogue.url).content
