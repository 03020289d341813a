"""Trainers author activities in the page editor and update platforms as snippets."""

import pytest
from django.urls import reverse

from practice.models import Platform
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["draftpostpage", "metricsexercisepage", "scenariopage", "reflectionpage"])
def test_trainers_can_add_each_activity_under_a_module(client, trainer, module, model):
    sign_in_to_admin(client, trainer)
    response = client.get(reverse("wagtailadmin_pages:add", args=["practice", model, module.pk]))
    assert response.status_code == 200
    assert 'name="task_prompt"' in response.content.decode()


def test_activities_are_offered_under_a_module_only(module):
    from courses.models import ModulePage
    from practice.models import DraftPostPage

    assert DraftPostPage in ModulePage.allowed_subpage_models()
    assert DraftPostPage.allowed_parent_page_models() == [ModulePage]


def test_trainers_update_a_platforms_limit(client, trainer):
    sign_in_to_admin(client, trainer)
    x = Platform.objects.get(name="X")
    assert (x.character_limit, x.url_length, x.emoji_weight) == (280, 23, 2)
    listing = client.get(reverse("wagtailsnippets_practice_platform:list")).content.decode()
    assert "Mastodon" in listing
    url = reverse("wagtailsnippets_practice_platform:edit", args=[x.pk])
    response = client.post(
        url, {"name": "X", "character_limit": "300", "url_length": "23", "emoji_weight": "2"}
    )
    assert response.status_code == 302
    x.refresh_from_db()
    assert x.character_limit == 300
