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


def test_a_trainers_preview_shows_each_activity_as_a_learner_starts_it(rf, trainer, module):
    from practice.factories import make_draft_post, make_metrics_exercise, make_reflection, make_scenario

    expected = {
        make_draft_post(module): "Check my post",
        make_metrics_exercise(module): "Check my answers",
        make_scenario(module): "weren&#x27;t collected",
        make_reflection(module): "Your answer",
    }
    for page, text in expected.items():
        request = rf.get(page.url)
        request.user, request.is_preview = trainer, True  # as Wagtail's preview handler sets it
        response = page.serve_preview(request, page.default_preview_mode)
        html = response.render().content.decode()
        assert text in html, type(page).__name__
        assert "Mark as complete" not in html


def test_a_posts_image_must_be_an_image(client, enrolled, module):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.models import TaskSubmission
    from practice.factories import make_draft_post

    page = make_draft_post(module, allow_attachment=True, requires_approval=True)
    pdf = SimpleUploadedFile("post.pdf", b"%PDF-1.7\n" + b"x" * 50, content_type="application/pdf")
    data = {"post": "Pools open Saturday #PoolsOpen", "alt_text": "Kids at the pool", "action": "submit"}
    response = client.post(reverse("practice:draft_post", args=[page.pk]), {**data, "attachment": pdf})
    assert (
        response.status_code == 400
        and "Attach an image (PNG, JPEG, GIF or WebP)." in response.content.decode()
    )
    png = SimpleUploadedFile("post.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, content_type="image/png")
    response = client.post(reverse("practice:draft_post", args=[page.pk]), {**data, "attachment": png})
    assert response.status_code == 302
    record = TaskSubmission.objects.get().records.get()
    assert record.attachment.name.endswith(".png") and record.answer["alt_text"] == "Kids at the pool"
