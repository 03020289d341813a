"""Quiz-submit latency for a 20-question quiz (every question type), through the test client.

`python bench/quiz_bench.py` (part of `make bench`) prints the median and p95 of submitting a
20-question attempt: marking on the server, storing responses and checking course completion.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from results import record  # bench/results.py, beside this script


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_quiz_submit(runs=100):
    from django.test import Client
    from django.urls import reverse

    from courses.factories import make_user
    from courses.services import enrol
    from lms.startup import freeze_startup_objects
    from quizzes import factories
    from quizzes.factories import make_course
    from quizzes.models import Attempt, QuizPage, QuizQuestion
    from quizzes.services import start_attempt

    course = make_course(title="Benchmark quiz course")
    quiz = QuizPage.objects.descendant_of(course).get()
    QuizQuestion.objects.filter(quiz=quiz).delete()
    makers = factories.ALL_TYPE_MAKERS
    for n in range(20):
        question = makers[n % len(makers)](
            category=factories.bank("Benchmark bank"), name=f"Bench question {n}"
        )
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=n)
    freeze_startup_objects()  # as each gunicorn worker does when it starts (lms.wsgi)

    samples = []
    for run in range(runs + 3):
        learner = make_user(email=f"bench{run}@example.gov.au")
        enrol(learner, course)
        attempt = start_attempt(learner, quiz)
        data = answers_as_post(attempt)
        client = Client()
        client.force_login(learner)
        url = reverse("quizzes:attempt", args=[attempt.pk])
        start = time.perf_counter()
        response = client.post(url, data)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 302, response.status_code
        if run >= 3:  # warm-up
            samples.append(elapsed)
    assert Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).count() == runs + 3
    return statistics.median(samples), percentile(samples, 0.95)


def answers_as_post(attempt):
    """Every question answered, as the browser posts it (the attempt's own slots and tokens)."""
    from quizzes.factories import attempt_form_data  # after django.setup()

    answers = {}
    for question in attempt.questions:
        kind = type(question).__name__
        if kind == "SingleChoiceQuestion":
            answers[question.pk] = question.option_list()[0][0]
        elif kind == "MultipleResponseQuestion":
            answers[question.pk] = [oid for oid, _ in question.option_list()[:2]]
        elif kind == "TrueFalseQuestion":
            answers[question.pk] = "true"
        elif kind == "ShortAnswerQuestion":
            answers[question.pk] = "APSC"
        elif kind == "NumericQuestion":
            answers[question.pk] = "70"
        elif kind == "MatchingQuestion":
            answers[question.pk] = {pid: match for pid, _, match in question.prompts()}
        else:
            answers[question.pk] = [iid for iid, _ in question.displayed_items()]
    return attempt_form_data(attempt, answers)


def main():
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    work = Path(tempfile.mkdtemp(prefix="lms-quiz-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    os.environ["LMS_TEST_FILES"] = str(work)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    median, p95 = bench_quiz_submit()
    print(f"{'quiz submit, 20 questions (7 types)':<44} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    how = (
        "POST of a 20-question attempt (7 types) through the Django test client, 100 runs after 3 warm-up,"
        " startup objects frozen as in a gunicorn worker (lms/wsgi.py)"
    )
    record("quiz_submit_20_questions_median_ms", round(median, 2), "ms", how)
    record("quiz_submit_20_questions_p95_ms", round(p95, 2), "ms", how)


if __name__ == "__main__":
    main()
