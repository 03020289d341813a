"""Print a signed-in learner's session key and the URLs of a lesson and its course, for
bench/throughput.sh to request as that learner (the session lives in the shared cache and the
database, so the gunicorn workers find it). Run with the same settings and database as the server."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from courses.factories import make_user  # noqa: E402
from courses.models import CoursePage, LessonPage  # noqa: E402
from courses.services import enrol  # noqa: E402
from lms.models import User  # noqa: E402

EMAIL = "bench-learner@example.gov.au"
learner = User.objects.filter(email=EMAIL).first() or make_user(email=EMAIL, full_name="Bench Learner")
course = CoursePage.objects.live().order_by("path").first()
lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
enrol(learner, course)
client = Client()
client.force_login(learner)
print(client.cookies["sessionid"].value, lesson.url, course.url)  # noqa: T201
