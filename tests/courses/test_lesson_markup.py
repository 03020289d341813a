"""Lesson markup for assistive technology: callouts are landmarks named by their own headings (two
"Information" callouts on one page are not two landmarks with the same name), and the ids that tie
them together are unique."""

from collections import Counter

import lxml.html
import pytest

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
