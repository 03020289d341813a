"""Lesson markup for assistive technology: callouts are landmarks named by their own headings (two
"Information" callouts on one page are not two landmarks with the same name), and the ids that tie
them together are unique."""

from collections import Counter

import lxml.html
import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses.models import LessonPage
from courses.services import enrol
from quizzes.factories import make_course

pytestmark = pytest.mark.django_db


def test_two_callouts_of_one_tone_are_told_apart(client, learner):
    course = make_course(title="Callouts", quiz=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    lesson.body = [
        ("callout", {"tone": "info", "heading": "Who this applies to", "text": "<p>Staff.</p>"}),
        ("callout", {"tone": "info", "heading": "Where to ask", "text": "<p>Your manager.</p>"}),
    ]
    lesson.save_revision().publish()
    enrol(learner, course)
    client.force_login(learner)
    doc = lxml.html.fromstring(client.get(lesson.url).content)
    asides = doc.xpath("//aside[contains(@class, 'callout')]")
    assert len(asides) == 2 and not any(aside.get("aria-label") for aside in asides)
    names = [doc.get_element_by_id(aside.get("aria-labelledby")).text_content() for aside in asides]
    assert names == ["Info: Who this applies to", "Info: Where to ask"]
    duplicates = [i for i, n in Counter(doc.xpath("//@id")).items() if n > 1]
    assert not duplicates


def test_a_decorative_image_has_empty_alt_text_whatever_was_typed(client, learner):
    course = make_course(title="Pictures", quiz=False)
    lesson = LessonPage.objects.descendant_of(course).get()
    photo = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    lesson.body = [
        ("image", {"image": photo, "alt_text": "A full beach at sunset", "decorative": False}),
        ("image", {"image": photo, "alt_text": "Left over from before", "decorative": True}),
    ]
    lesson.save_revision().publish()
    enrol(learner, course)
    client.force_login(learner)
    doc = lxml.html.fromstring(client.get(lesson.url).content)
    assert [img.get("alt") for img in doc.xpath("//figure[@class='lesson-image']/img")] == [
        "A full beach at sunset",
        "",
    ]
