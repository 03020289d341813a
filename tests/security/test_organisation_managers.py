"""Organisation managers (issue 12, item 6): they see reports, learners and certificates of their
own organisation(s) only and assign courses to their own people; anything else answers 404 (or
is simply not offered), exactly as a missing object does. Trainers and administrators see all."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from courses.assignments import assign_course
from courses.factories import make_user
from courses.models import Assignment
from courses.services import enrol
from lms.models import Organisation, User
from lms.scoping import (
    MANAGERS_GROUP,
    learner_or_404,
    organisation_or_404,
    set_organisation_managers,
    visible_learners,
)
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    return Organisation.objects.create(name="Own Agency"), Organisation.objects.create(name="Other Agency")


@pytest.fixture
def people(agencies):
    own, other = agencies
    manager = make_user(email="manager@own.gov.au", full_name="Mia Manager", organisation=own)
    set_organisation_managers(own, [manager])
    colleague = make_user(email="colleague@own.gov.au", full_name="Cole Colleague", organisation=own)
    stranger = make_user(email="stranger@other.gov.au", full_name="Stella Stranger", organisation=other)
    return manager, colleague, stranger


@pytest.fixture
def trainer():
    user = make_user(email="trainer@example.gov.au", full_name="Terry Trainer", role=User.Role.TRAINER)
    user.groups.add(Group.objects.get(name="Trainers"))
    return user


def overdue(course, user, by):
    """An assignment of `course` to `user` that was due yesterday."""
    assignment = assign_course(course, [user], timezone.localdate(), by)[0]
    Assignment.objects.filter(pk=assignment.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    return assignment


def certificate(user, course):
    return Certificate.objects.create(
        enrolment=enrol(user, course), user=user, course=course, learner_name=user.full_name, course_title="C"
    )


def test_setting_managers_keeps_the_group_in_step(agencies, people):
    own, other = agencies
    manager, colleague, _ = people
    group = Group.objects.get(name=MANAGERS_GROUP)
    assert manager.groups.filter(pk=group.pk).exists()
    assert manager.has_perm("courses.add_assignment") and manager.has_perm("wagtailadmin.access_admin")
    assert not manager.has_perm("lms.view_all_learners")

    set_organisation_managers(other, [manager])  # now manages both
    set_organisation_managers(own, [colleague])
    assert manager.groups.filter(pk=group.pk).exists()  # still manages "Other Agency"
    set_organisation_managers(other, [])
    assert not User.objects.get(pk=manager.pk).groups.filter(pk=group.pk).exists()
    assert list(colleague.managed_organisations.all()) == [own]


def test_scoping_gives_404_outside_the_managed_organisation(agencies, people, trainer):
    own, other = agencies
    manager, colleague, stranger = people

    assert set(visible_learners(manager)) == {manager, colleague}
    assert learner_or_404(manager, colleague.pk) == colleague
    with pytest.raises(Http404):
        learner_or_404(manager, stranger.pk)
    with pytest.raises(Http404):
        organisation_or_404(manager, other.pk)
    assert organisation_or_404(manager, own.pk) == own
    # Trainers (lms.view_all_learners) see everyone; a learner with no role sees no one.
    assert learner_or_404(trainer, stranger.pk) == stranger
    assert organisation_or_404(trainer, other.pk) == other
    assert not visible_learners(colleague).exists()


def test_manager_assigns_only_their_own_people(client, course, agencies, people):
    own, other = agencies
    manager, colleague, stranger = people
    sign_in_to_admin(client, manager)
    url = reverse("training:assign")
    due = (timezone.localdate() + timedelta(days=10)).isoformat()

    page = client.get(url)
    assert page.status_code == 200
    assert "Cole Colleague" in page.text and "Stella Stranger" not in page.text
    assert "Other Agency" not in page.text

    refused = client.post(url, {"course": course.pk, "learners": [stranger.pk], "due_date": due})
    assert refused.status_code == 200 and "learners" in refused.context["form"].errors
    refused = client.post(url, {"course": course.pk, "organisation": other.pk, "due_date": due})
    assert "organisation" in refused.context["form"].errors
    assert not Assignment.objects.exists()

    done = client.post(url, {"course": course.pk, "learners": [colleague.pk], "due_date": due})
    assert done.status_code == 302
    assert list(Assignment.objects.values_list("enrolment__user", flat=True)) == [colleague.pk]


def test_manager_cannot_bulk_enrol(client, people):
    manager = people[0]
    sign_in_to_admin(client, manager)
    # Wagtail turns the admin's PermissionDenied into a redirect to the admin home with a message.
    for response in (
        client.get(reverse("training:bulk_enrol")),
        client.post(reverse("training:bulk_enrol_confirm"), {"csv_text": "x"}),
    ):
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))


def test_overdue_report_and_csv_show_only_the_managers_organisation(
    client, course, agencies, people, trainer
):
    own, other = agencies
    manager, colleague, stranger = people
    overdue(course, colleague, trainer)
    overdue(course, stranger, trainer)

    sign_in_to_admin(client, manager)
    page = client.get(reverse("training:overdue"))
    assert "Cole Colleague" in page.text and "Stella Stranger" not in page.text
    export = client.get(reverse("training:overdue_csv")).content.decode()
    assert "Cole Colleague" in export and "Stella Stranger" not in export
    # Filtering by another organisation is not a way in: the choice is refused, the list stays scoped.
    filtered = client.get(reverse("training:overdue_csv"), {"organisation": other.pk}).content.decode()
    assert "Stella Stranger" not in filtered

    sign_in_to_admin(client, trainer)
    export = client.get(reverse("training:overdue_csv")).content.decode()
    assert "Cole Colleague" in export and "Stella Stranger" in export


def test_certificates_listing_is_scoped_and_managers_cannot_revoke(client, course, people, trainer):
    manager, colleague, stranger = people
    own_certificate = certificate(colleague, course)
    other_certificate = certificate(stranger, course)

    sign_in_to_admin(client, manager)
    page = client.get(reverse("certificates_admin:issued"))
    assert page.status_code == 200
    assert list(page.context["page_obj"].object_list) == [own_certificate]
    assert reverse("certificates_admin:revoke", args=[own_certificate.pk]) not in page.text
    refused = client.get(reverse("certificates_admin:revoke", args=[own_certificate.pk]))
    assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))

    sign_in_to_admin(client, trainer)
    listed = client.get(reverse("certificates_admin:issued")).context["page_obj"].object_list
    assert set(listed) == {own_certificate, other_certificate}


def test_another_organisations_certificate_is_404_for_a_scoped_certificate_manager(
    client, course, agencies, people
):
    """A certificate manager without view_all_learners (a custom group) who manages one
    organisation gets 404 for another organisation's certificate, as for a missing one."""
    manager, colleague, stranger = people
    group = Group.objects.create(name="Certificate clerks")
    group.permissions.add(
        *Group.objects.get(name="Trainers").permissions.filter(codename="manage_certificates")
    )
    manager.groups.add(group)
    other_certificate = certificate(stranger, course)
    own_certificate = certificate(colleague, course)
    sign_in_to_admin(client, manager)

    assert client.get(reverse("certificates_admin:revoke", args=[other_certificate.pk])).status_code == 404
    assert client.get(reverse("certificates_admin:reissue", args=[other_certificate.pk])).status_code == 404
    assert client.get(reverse("certificates_admin:revoke", args=[own_certificate.pk])).status_code == 200


def test_organisation_form_names_managers_among_members(client, agencies, people):
    own, _ = agencies
    manager, colleague, stranger = people
    admin = User.objects.create_superuser(
        email="admin@example.gov.au", password="x-Long-pass-42", full_name="Ada"
    )
    sign_in_to_admin(client, admin)
    url = reverse("organisation:edit", args=[own.pk])

    page = client.get(url)
    assert "Cole Colleague" in page.text and "Stella Stranger" not in page.text
    data = {
        "name": own.name,
        "kind": own.kind,
        "managers": [colleague.pk],
        "email_domains-TOTAL_FORMS": "0",
        "email_domains-INITIAL_FORMS": "0",
        "email_domains-MIN_NUM_FORMS": "0",
        "email_domains-MAX_NUM_FORMS": "1000",
    }
    assert client.post(url, data).status_code == 302
    assert list(own.managers.all()) == [colleague]
    assert colleague.groups.filter(name=MANAGERS_GROUP).exists()
    assert not manager.groups.filter(name=MANAGERS_GROUP).exists()

    refused = client.post(url, {**data, "managers": [stranger.pk]})
    assert refused.status_code == 200 and list(own.managers.all()) == [colleague]


# --- reports ------------------------------------------------------------------------------------


@pytest.fixture
def population(db):
    from tests.reports.conftest import build_population

    return build_population()


def test_manager_gets_404_for_another_organisations_report_learner_and_exports(client, population):
    sign_in_to_admin(client, population.manager)  # manages Agency A
    stranger = population.people["Cat"]  # Council B
    for url in (
        reverse("reports:organisation", args=[population.council.pk]),
        reverse("reports:organisation_export", args=[population.council.pk, "csv"]),
        reverse("reports:organisation_export", args=[population.council.pk, "xlsx"]),
        reverse("reports:learner", args=[stranger.pk]),
        reverse("reports:learner_export", args=[stranger.pk, "csv"]),
        reverse("reports:learner_export", args=[stranger.pk, "xlsx"]),
    ):
        assert client.get(url).status_code == 404, url
    missing = 10**9
    assert client.get(reverse("reports:learner", args=[missing])).status_code == 404
    # Their own organisation and people are open to them.
    assert client.get(reverse("reports:organisation", args=[population.agency.pk])).status_code == 200
    assert client.get(reverse("reports:learner", args=[population.people["Bob"].pk])).status_code == 200


def test_manager_course_report_and_export_count_their_people_only(client, population):
    sign_in_to_admin(client, population.manager)
    page = client.get(reverse("reports:course", args=[population.course.pk]))
    assert [row.full_name for row in page.context["report"].rows] == ["Ann Learner", "Bob Learner"]
    assert dict(page.context["report"].summary)["Enrolled"] == 2
    # Choosing another organisation in the filter is refused, and the report stays scoped.
    filtered = client.get(
        reverse("reports:course", args=[population.course.pk]), {"organisation": population.council.pk}
    )
    assert "organisation" in filtered.context["filter_form"].errors
    assert filtered.context["report"].enrolled == 2
    export = b"".join(
        client.get(reverse("reports:course_export", args=[population.course.pk, "csv"])).streaming_content
    ).decode()
    assert "Ann Learner" in export and "Cat Learner" not in export and "Dan Learner" not in export
    listing = client.get(reverse("reports:learners")).text
    assert "Bob Learner" in listing and "Cat Learner" not in listing
    organisations = client.get(reverse("reports:organisations")).text
    assert "Agency A" in organisations and "Council B" not in organisations


def test_people_without_a_reporting_role_are_refused(client, population):
    client.force_login(population.people["Ann"])  # a learner without admin access
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302 and "/login/" in response.url
