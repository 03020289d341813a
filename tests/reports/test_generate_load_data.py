"""generate_load_data: made-up learners, enrolments, completions and attempts in bulk."""

import io

import pytest
from django.core.management import CommandError, call_command

from certificates.models import Certificate
from courses.models import Enrolment, LessonCompletion
from lms.models import Organisation, User
from quizzes.factories import make_course
from quizzes.models import Attempt
from reports import services

pytestmark = pytest.mark.django_db


def test_generate_load_data_creates_a_consistent_population():
    course = make_course(lessons_per_module=3, kinds=("knowledge", "skill"))
    output = io.StringIO()
    call_command(
        "generate_load_data", learners=40, organisations=4, attempts=25, batch_size=10, stdout=output
    )

    learners = User.objects.filter(email__contains="@load-")
    assert learners.count() == 40
    assert Organisation.objects.filter(name__startswith="Load test organisation").count() == 4
    assert set(learners.values_list("organisation__name", flat=True)) == {
        f"Load test organisation {n:02d}" for n in range(1, 5)
    }
    assert Enrolment.objects.filter(course=course).count() == 40
    assert Attempt.objects.count() <= 25
    completed = Enrolment.objects.filter(completed_at__isnull=False)
    # A completed enrolment did all 6 lessons and has its certificate.
    assert LessonCompletion.objects.filter(enrolment__in=completed).count() == 6 * completed.count()
    assert Certificate.objects.count() == completed.count() > 0
    entries = list(Certificate.objects.values_list("status_list", "status_list_index"))
    assert None not in {index for _, index in entries} and len(set(entries)) == len(entries)  # revocable
    assert "Lesson completions:" in output.getvalue() and "Done" in output.getvalue()

    admin = User.objects.create_superuser(email="admin@example.gov.au", password=None, full_name="Admin")
    report = services.course_report(course, admin)
    assert report.enrolled == 40 and report.count(services.COMPLETED) == completed.count()

    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_load_data", learners=5, organisations=2, stdout=io.StringIO())
    call_command("generate_load_data", learners=5, organisations=2, reset=True, stdout=io.StringIO())
    assert User.objects.filter(email__contains="@load-").count() == 5
