"""The platform's real courses, loaded from content/courses/ (issue: course catalogue)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from content import checks
from courses.factories import make_user
from courses.models import CoursePage, LessonPage, ModulePage
from courses.services import enrol
from quizzes.models import QuizPage

FULL_COURSES = {
    "public-servants": "public_servants",
    "agencies": "public_servants",
    "councillors": "councillors",
}


def course_folders():
    return [
        p.parent
        for p in sorted(checks.COURSES_DIR.glob("*/course.yaml"))
        if not p.parent.name.startswith("00-")
    ]


def test_three_full_courses_exist():
    slugs = {checks.load_course(folder)["slug"] for folder in course_folders()}
    assert slugs == set(FULL_COURSES)


@pytest.mark.parametrize("folder", course_folders(), ids=lambda p: p.name)
def test_course_source_passes_the_quality_checks(folder, db):
    problems = checks.course_problems(folder, GRAMS)
    assert problems == []


GRAMS = checks.material_fingerprints()


def test_originality_check_catches_copied_sentences(tmp_path):
    """The check itself can fail: a sentence lifted from the material is caught."""
    # A sentence of the real material (itself a quote from a report) is in the committed fingerprints.
    lifted = (
        "Nearly half of government respondents say they lack an understanding of digital and social media."
    )
    assert checks.copied_runs(f"As we know, {lifted}", GRAMS)
    assert not checks.copied_runs("Write every sentence of the course in your own words, please.", GRAMS)
    # And fingerprints made from any material catch a run copied from it, whatever the case.
    (tmp_path / "source.txt").write_text(
        "The quick brown fox jumps over the lazy dog while the council meets on Tuesday evening.",
        encoding="utf-8",
    )
    prints = checks.fingerprint_folder(tmp_path)
    assert checks.copied_runs("the QUICK brown fox jumps over the lazy dog while the council meets.", prints)
    assert not checks.copied_runs(
        "the quick brown fox jumps over the lazy dog while a council meets.", prints
    )
    assert (
        checks.fk_grade(
            "Notwithstanding considerable organisational heterogeneity, interdepartmental "
            "communication methodologies necessitate comprehensive institutional recalibration."
        )
        > 10
    )


@pytest.mark.django_db
def test_loader_builds_the_catalogue_and_every_page_renders(client):
    out = StringIO()
    call_command("load_courses", stdout=out)
    learner = make_user()
    client.force_login(learner)
    for slug, audience in FULL_COURSES.items():
        course = CoursePage.objects.get(slug=slug)
        assert course.audience == audience
        modules = ModulePage.objects.child_of(course)
        assert {m.kind for m in modules} >= {"knowledge", "skill", "practice"}
        enrol(learner, course)
        assert client.get(course.url).status_code == 200
        for module in modules:
            lessons = LessonPage.objects.child_of(module).live()
            assert lessons.count() >= checks.MIN_LESSONS
            quiz = QuizPage.objects.child_of(module).live().get()
            questions = quiz.questions()
            assert len(questions) >= checks.MIN_QUESTIONS
            assert all(q.general_feedback for q in questions)
            for lesson in lessons:
                response = client.get(lesson.url)
                assert response.status_code == 200, lesson.url
                assert b"Key takeaways" in response.content
            assert client.get(quiz.url).status_code == 200
            client.post(reverse("quizzes:start", args=[quiz.pk]))
        assert client.get(reverse("dashboard")).status_code == 200

    second = StringIO()
    call_command("load_courses", stdout=second)
    assert "Nothing to change" in second.getvalue()
