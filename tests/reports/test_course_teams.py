"""Course teams (issue 12, item 6): "a trainer sees the courses they run (or all, by permission)".

A trainer without `lms.view_all_learners` who is named on a course's team (CoursePage.trainers)
sees that course's report, gradebook and learners' records for it, and nothing else: another
course, another course's learner or the organisation reports answer 404 or are refused, as the manager's
scoping does. Holders of the permission still see everything."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from courses.factories import make_user
from courses.models import CoursePage, Enrolment, LessonPage
from courses.scoping import learner_course_ids, may_see_learner, scope_enrolments, visible_learners
from courses.services import complete_lesson, enrol
from lms.models import Organisation
from lms.scoping import set_organisation_managers
from quizzes.factories import make_course
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two courses and two organisations: Ann (org A) takes both courses, Ben (org B) course one,
    Cas (org B) course two only."""
    own, other = Organisation.objects.create(name="Org A"), Organisation.objects.create(name="Org B")
    one, two = make_course(title="Course One"), make_course(title="Course Two")
    ann = make_user(email="ann@a.gov.au", full_name="Ann Able", organisation=own)
    ben = make_user(email="ben@b.gov.au", full_name="Ben Baker", organisation=other)
    cas = make_user(email="cas@b.gov.au", full_name="Cas Cole", organisation=other)
    for user, course in [(ann, one), (ann, two), (ben, one), (cas, two)]:
        enrol(user, course)
    lesson = one.get_descendants().type(LessonPage).first().specific
    complete_lesson(enrol(ann, one), lesson)
    return {"one": one, "two": two, "ann": ann, "ben": ben, "cas": cas, "own": own, "other": other}


def admin_only_group(name):
    group, _ = Group.objects.get_or_create(name=name)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(access)
    return group


def course_trainer(course, email="tia@example.gov.au"):
    """A trainer who can open the admin but has no access to every learner, on `course`'s team."""
    user = make_user(email=email, full_name="Tia Trainer")
    user.groups.add(admin_only_group("Course trainers (test)"))
    course.trainers.add(user)
    course.save()  # a page's many-to-many (modelcluster) is written when the page is saved
    return user


def body(response):
    return b"".join(response.streaming_content)


def refused(response):
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def signed_in(user):
    client = Client()
    sign_in_to_admin(client, user)
    return client


def test_scope_of_a_course_team(world):
    trainer = course_trainer(world["one"])
    assert not trainer.has_perm("lms.view_all_learners")
    assert set(visible_learners(trainer)) == {world["ann"], world["ben"]}
    assert may_see_learner(trainer, world["ben"]) and not may_see_learner(trainer, world["cas"])
    # Ann is seen through course one only: her record is narrowed to it.
    assert learner_course_ids(trainer, world["ann"]) == {world["one"].pk}
    enrolments = scope_enrolments(Enrolment.objects.all(), trainer)
    assert {e.course_id for e in enrolments} == {world["one"].pk}
    assert enrolments.count() == 2


def test_course_team_sees_its_course_report_and_nothing_else(world):
    client = signed_in(course_trainer(world["one"]))
    index = client.get(reverse("reports:index"))
    assert index.status_code == 200
    assert "Course One" in index.text and "Course Two" not in index.text

    report = client.get(reverse("reports:course", args=[world["one"].pk]))
    assert report.status_code == 200
    # Every learner of the course, whatever their organisation.
    assert "Ann Able" in report.text and "Ben Baker" in report.text and "Cas Cole" not in report.text
    csv = client.get(reverse("reports:course_export", args=[world["one"].pk, "csv"]))
    assert csv.status_code == 200 and b"ben@b.gov.au" in body(csv)

    for url in [
        reverse("reports:course", args=[world["two"].pk]),
        reverse("reports:course_export", args=[world["two"].pk, "csv"]),
        reverse("reports:course", args=[999_999]),
        reverse("reports:learner", args=[world["cas"].pk]),
        reverse("reports:learner_export", args=[world["cas"].pk, "xlsx"]),
    ]:
        assert client.get(url).status_code == 404, url
    # Organisation reports are for managers and those who see everyone.
    assert refused(client.get(reverse("reports:organisations")))
    assert refused(client.get(reverse("reports:organisation", args=[world["own"].pk])))


def test_course_team_reads_a_learner_record_for_its_course_only(world):
    client = signed_in(course_trainer(world["one"]))
    listing = client.get(reverse("reports:learners"))
    assert "Ann Able" in listing.text and "Ben Baker" in listing.text and "Cas Cole" not in listing.text

    record = client.get(reverse("reports:learner", args=[world["ann"].pk]))
    assert record.status_code == 200
    assert "Course One" in record.text and "Course Two" not in record.text
    # Asking for the other course through the filter is refused by the form, not obeyed.
    record = client.get(reverse("reports:learner", args=[world["ann"].pk]), {"course": world["two"].pk})
    assert "Course Two" not in record.text
    export = client.get(reverse("reports:learner_export", args=[world["ann"].pk, "csv"]))
    exported = body(export)
    assert b"Course One" in exported and b"Course Two" not in exported


def test_trainers_with_the_permission_still_see_every_course(world):
    trainer = make_user(email="all@example.gov.au", full_name="Al Everyone")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    client = signed_in(trainer)
    index = client.get(reverse("reports:index"))
    assert "Course One" in index.text and "Course Two" in index.text
    record = client.get(reverse("reports:learner", args=[world["ann"].pk]))
    assert "Course One" in record.text and "Course Two" in record.text


def test_a_manager_on_a_team_sees_the_whole_course_and_their_people_elsewhere(world):
    manager = course_trainer(world["two"], email="mo@a.gov.au")
    manager.organisation = world["own"]
    manager.save()
    set_organisation_managers(world["own"], [manager])
    client = signed_in(manager)
    two = client.get(reverse("reports:course", args=[world["two"].pk]))
    assert "Ann Able" in two.text and "Cas Cole" in two.text  # the whole course two
    one = client.get(reverse("reports:course", args=[world["one"].pk]))
    assert one.status_code == 200
    assert "Ann Able" in one.text and "Ben Baker" not in one.text  # own organisation only
    record = client.get(reverse("reports:learner", args=[world["ann"].pk]))
    assert "Course One" in record.text and "Course Two" in record.text  # Ann is their own person


def test_someone_outside_every_team_cannot_open_reports(world):
    editor = make_user(email="ed@example.gov.au", full_name="Ed Itor")
    editor.groups.add(admin_only_group("Editors only (test)"))
    client = signed_in(editor)
    assert refused(client.get(reverse("reports:index")))
    assert refused(client.get(reverse("reports:course", args=[world["one"].pk])))


def test_the_course_team_field_offers_admin_users_only(world, admin_client):
    trainer = course_trainer(world["one"])
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[world["one"].pk]))
    assert response.status_code == 200
    choices = set(response.context["form"].fields["trainers"].queryset)
    assert trainer in choices
    assert world["ann"] not in choices and world["ben"] not in choices
    assert list(CoursePage.objects.get(pk=world["one"].pk).trainers.all()) == [trainer]
