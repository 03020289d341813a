"""Build what the scale test's learners use, in the scale test's own database: a small course (three
lessons and a four-question quiz that must be passed) and N learners with confirmed addresses.
Writes the learners, the course's address and the quiz's right answers (by option text, as a
learner reads them) to a JSON file for the Locust learners. Run by scale/run.py with its settings."""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

PASSWORD = "Scale-Test-Pass-2026"  # noqa: S105 - a throwaway database's learners
COURSE_TITLE = "Scale test course"
LEARNER_NAME = "Scale Learner {:04d}"  # every signed-in page shows it (the log-out button's text)
# The quiz: three single-choice questions and a short answer, each right answer as the page shows it.
SINGLE_CHOICES = [
    ("Before replying", "Pause and check the facts", ("Reply at once", "Delete the comment")),
    ("A heated thread", "Move it to a private channel", ("Argue point by point", "Lock the account")),
    ("A wrong post", "Correct it openly and date the change", ("Delete it quietly", "Leave it alone")),
]
SHORT_ANSWER = "Australian Public Service Commission"


def build(learner_count):
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from courses.factories import make_course_pages
    from courses.models import LessonPage
    from lms.models import User
    from lms.services import mark_email_verified
    from quizzes.factories import bank, make_quiz, make_short_answer, make_single_choice

    with transaction.atomic():
        course = make_course_pages(COURSE_TITLE, lessons_per_module=3)
        module = course.get_children().last().specific
        questions = [
            make_single_choice(category=bank("Scale"), name=name, correct=correct, wrong=wrong)
            for name, correct, wrong in SINGLE_CHOICES
        ]
        questions.append(make_short_answer(category=bank("Scale"), name="Who publishes the guidance"))
        quiz = make_quiz(module, title="Scale test quiz", questions=questions, pass_mark=80)
        # One hash for everyone: hashing is slow on purpose, and signing in still checks it each time.
        password = make_password(PASSWORD)
        learners = []
        for number in range(1, learner_count + 1):
            user = User.objects.create(
                email=f"scale.learner{number:04d}@example.gov.au",
                full_name=LEARNER_NAME.format(number),
                password=password,
            )
            mark_email_verified(user)
            learners.append({"email": user.email, "name": user.full_name})
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
    return {
        "password": PASSWORD,
        "learners": learners,
        "course": {"id": course.pk, "url": course.url},
        "lessons": [{"id": lesson.pk, "url": lesson.url} for lesson in lessons],
        "quiz": {
            "id": quiz.pk,
            "url": quiz.url,
            "right_choices": [correct for _, correct, _ in SINGLE_CHOICES],
            "short_answer": SHORT_ANSWER,
            "questions": len(questions),
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
    django.setup()
    args.out.write_text(json.dumps(build(args.learners), indent=1))


if __name__ == "__main__":
    main()
