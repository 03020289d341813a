import pytest

from certificates.services import issue_certificate
from courses.factories import make_user
from courses.services import enrol


def certificate_for(user, course):
    certificate, _ = issue_certificate(enrol(user, course))
    return certificate


@pytest.fixture
def certificate(learner, course):
    return certificate_for(learner, course)


@pytest.fixture
def councillor(db):
    return make_user(email="cr.nguyen@example.gov.au", full_name="Linh Nguyen", role="councillor")
