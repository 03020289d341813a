"""Offline copies and offline video in Chromium: a module's PDF download link on the course page
and a lesson's HTML5 video with captions, at 1280 and 390 px wide, each checked with axe-core."""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from courses.factories import make_course_pages, make_user
from courses.models import LessonPage
from courses.services import enrol

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = [(1280, 900), (390, 844)]
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(512)
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWelcome to the briefing.\n"


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_module_download_and_lesson_video_at_both_widths(live_server, page, assert_accessible):
    course = make_course_pages(title="Councillors on the road", kinds=("knowledge", "skill"))
    course.sequential_modules = True
    course.save_revision().publish()
    lesson = LessonPage.objects.descendant_of(course).order_by("path").first()
    Document = get_document_model()
    video = Document.objects.create(title="Briefing", file=ContentFile(MP4, name="briefing.mp4"))
    captions = Document.objects.create(title="Briefing captions", file=ContentFile(VTT, name="briefing.vtt"))
    lesson.body = [
        {
            "type": "video",
            "value": {
                "title": "The mayor's briefing",
                "file": video.pk,
                "captions": [
                    {
                        "type": "item",
                        "id": "00000000-0000-4000-8000-000000000002",
                        "value": {
                            "file": captions.pk,
                            "kind": "captions",
                            "srclang": "en",
                            "label": "English",
                        },
                    }
                ],
                "video": "",
                "transcript": "<p>Welcome to the briefing.</p>",
            },
        }
    ]
    lesson.save_revision().publish()
    learner = make_user(password="Offline-Copies-1")
    enrol(learner, course)

    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(learner.email)
    page.get_by_label("Password").fill("Offline-Copies-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/my-learning/$"))

    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(base + course.url)
        link = page.get_by_role("link", name="Download “Knowledge module” to read offline")
        expect(link).to_be_visible()
        # The Skill module is locked until the Knowledge module is done: no copy of it yet.
        expect(page.get_by_role("link", name="Download “Skill module” to read offline")).to_have_count(0)
        assert no_horizontal_scroll(page), f"course page scrolls sideways at {width} px"
        assert_accessible(page)
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename == "knowledge-module.pdf"
        with open(download.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"

        page.goto(base + lesson.url)
        player = page.locator("video[controls]")
        expect(player).to_be_visible()
        expect(player).to_have_attribute("aria-label", "The mayor's briefing")
        expect(page.locator('video track[kind="captions"][srclang="en"]')).to_have_count(1)
        page.get_by_text("Transcript", exact=True).click()
        expect(page.get_by_text("Welcome to the briefing.")).to_be_visible()
        assert no_horizontal_scroll(page), f"lesson page scrolls sideways at {width} px"
        assert_accessible(page)
