import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from certificates.services import issue_certificate
from courses.factories import make_user
from courses.services import enrol
from lms.models import User

from ..conftest import run_on_commit


def certificate_for(user, course):
    """Issue a certificate and render its PDF (the immediate task backend, run on commit)."""
    with run_on_commit():
        certificate, _ = issue_certificate(enrol(user, course))
    certificate.refresh_from_db()
    return certificate


def certificate_without_pdf(user, course):
    """Issue a certificate whose PDF is still to be made (the render waits for a commit that a test
    never makes), ~0.15 s less a test than `certificate_for`."""
    certificate, _ = issue_certificate(enrol(user, course))
    return certificate


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # The verification rate limit counts in the (per-process) cache: start each test at zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def in_one_rate_window():
    """The verification limit counts per fixed window (a minute in these tests): the test's
    requests start at the top of a minute, so a slow machine never carries them into the next
    window, where the count starts again. The clock runs on from there."""
    top_of_a_minute = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(top_of_a_minute, tick=True):
        yield


@pytest.fixture
def certificate(request, learner, course):
    """The learner's certificate for the course, with its PDF; only issued for tests marked
    `pdf_unread` (what they check is made from the record, such as the credentials)."""
    if request.node.get_closest_marker("pdf_unread"):
        return certificate_without_pdf(learner, course)
    return certificate_for(learner, course)


@pytest.fixture
def councillor(db):
    return make_user(email="cr.nguyen@example.gov.au", full_name="Linh Nguyen", role="councillor")


@pytest.fixture
def trainer(db):
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def png_file(name, size=(300, 100), colour=(0, 70, 127, 255)):
    """A small PNG with a filled square, as a Django ImageFile."""
    image = PILImage.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle([0, 0, size[1] - 1, size[1] - 1], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    return ImageFile(buffer, name=name)


@pytest.fixture
def wagtail_image(db):
    from wagtail.images.models import Image

    def make(title="Agency logo", name="logo.png", **kwargs):
        return Image.objects.create(title=title, file=png_file(name, **kwargs))

    return make
