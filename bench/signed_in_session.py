"""Print a signed-in learner's session key, a CSRF cookie and the URLs of a lesson and its course, for
bench/throughput.sh to request as that learner (the session lives in the shared cache and the
database, so the gunicorn workers find it). Run with the same settings and database as the server."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.middleware.csrf import get_token  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from courses.factories import make_user  # noqa: E402
from courses.models import CoursePage, LessonPage  # noqa: E402
from courses.services import enrol  # noqa: E402
from lms.models import User  # noqa: E402

EMAIL = "bench-learner@example.gov.au"


def signed_in_learner(email=EMAIL):
    """A learner enrolled in the first live course, signed in on a test client; with that course
    and its first lesson."""
    learner = User.objects.filter(email=email).first() or make_user(email=email, full_name="Bench Learner")
    course = CoursePage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    enrol(learner, course)
    client = Client()
    client.force_login(learner)
    return client, course, lesson


def csrf_cookie():
    """A CSRF cookie's value, as a browser sends back once a page with a form has set it (without
    one, every page with a form would make and set a new secret: not what learners cost)."""
    request = RequestFactory().get("/")
    get_token(request)
    return request.META["CSRF_COOKIE"]


if __name__ == "__main__":
    client, course, lesson = signed_in_learner()
    print(client.cookies["sessionid"].value, csrf_cookie(), lesson.url, course.url)  # noqa: T201
