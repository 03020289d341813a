"""Report figures against the hand-worked population of tests/reports/conftest.py, the query
bound, exports (CSV and XLSX, with formula injection and markup neutralised) and scoping."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from courses.factories import make_user
from courses.services import enrol
from reports import services
from reports.services import COMPLETED, IN_PROGRESS, NOT_STARTED
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db


def rows_by_name(report):
    return {row.full_name.split()[0]: row for row in report.rows}


def test_course_report_figures(population):
    report = services.course_report(population.course, population.trainer)

    assert dict(report.summary) == {
        "Enrolled": 4,  # Eve's account is inactive
        "Not started": 1,
        "In progress": 2,
        "Completed": 1,
        "Overdue": 1,
        "Certificates issued": 1,
        "Certificates expiring within 60 days": 1,
    }
    rows = rows_by_name(report)
    assert list(rows) == ["Ann", "Bob", "Cat", "Dan"]  # in name order
    assert {name: (row.status, row.percent) for name, row in rows.items()} == {
        "Ann": (COMPLETED, 100),
        "Bob": (IN_PROGRESS, 33),  # 1 of 3 required items
        "Cat": (NOT_STARTED, 0),
        "Dan": (IN_PROGRESS, 0),  # opened the course
    }
    assert rows["Bob"].overdue and not rows["Cat"].overdue
    assert rows["Bob"].task_summary == "1 waiting for review"
    quiz = population.quiz.pk
    assert (
        rows["Ann"].quizzes[quiz].best,
        rows["Ann"].quizzes[quiz].attempts,
        rows["Ann"].quizzes[quiz].passed,
    ) == (
        90.0,
        2,
        True,
    )
    assert rows["Bob"].quizzes[quiz].best == 40.0 and not rows["Bob"].quizzes[quiz].passed
    assert quiz not in rows["Cat"].quizzes

    [summary] = report.quizzes
    assert (summary.learners, summary.passed, summary.average) == (2, 1, 65.0)
    assert [count for _, count in summary.bands] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    assert report.average_score == 65.0

    lesson_1, lesson_2 = (lesson.title for lesson in population.lessons)
    assert [(step.label, step.done, step.is_module) for step in report.funnel] == [
        ("Knowledge module", 1, True),
        (lesson_1, 2, False),
        (lesson_2, 1, False),
        (population.quiz.title, 1, False),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"organisation": "agency"}, ["Ann", "Bob"]),
        ({"assignment": "assigned"}, ["Bob", "Cat"]),
        ({"assignment": "self"}, ["Ann", "Dan"]),
        ({"assignment": "overdue"}, ["Bob"]),
    ],
)
def test_course_report_filters_apply_to_every_figure(population, filters, expected):
    if "organisation" in filters:
        filters = {"organisation": population.agency}
    report = services.course_report(population.course, population.trainer, **filters)
    assert list(rows_by_name(report)) == expected
    assert report.enrolled == len(expected)


def test_status_filter_on_the_page(client, population):
    sign_in_to_admin(client, population.trainer)
    response = client.get(reverse("reports:course", args=[population.course.pk]), {"status": IN_PROGRESS})
    assert [row.full_name for row in response.context["page_obj"].object_list] == [
        "Bob Learner",
        "Dan Learner",
    ]


def test_organisation_report_figures(population):
    [row] = services.organisation_report(population.agency)
    assert (row.course, row.enrolled, row.not_started, row.in_progress, row.completed) == (
        population.course,
        2,
        0,
        1,
        1,
    )
    assert (row.completion_rate, row.overdue, row.certificates_expiring) == (50, 1, 1)
    idle = [user.full_name for user in services.learners_with_nothing_started(population.agency)]
    assert idle == ["Fay Learner", "Mia Manager"]  # Eve is inactive

    [council] = services.organisation_report(population.council)
    assert (council.enrolled, council.not_started, council.in_progress, council.completed) == (2, 1, 1, 0)
    assert [u.full_name for u in services.learners_with_nothing_started(population.council)] == [
        "Cat Learner"
    ]


def test_organisation_report_filtered_by_assignment(population):
    def figures(organisation, assignment):
        return [
            (row.enrolled, row.not_started, row.in_progress, row.completed, row.overdue)
            + (row.certificates_expiring,)
            for row in services.organisation_report(organisation, assignment)
        ]

    # Agency A: Ann enrolled herself and completed (certificate expiring), Bob was assigned and is overdue.
    assert figures(population.agency, "assigned") == [(1, 0, 1, 0, 1, 0)]
    assert figures(population.agency, "overdue") == [(1, 0, 1, 0, 1, 0)]
    assert figures(population.agency, "self") == [(1, 0, 0, 1, 0, 1)]
    # Council B: Cat was assigned (not yet due) and has not started; Dan enrolled himself.
    assert figures(population.council, "assigned") == [(1, 1, 0, 0, 0, 0)]
    assert figures(population.council, "overdue") == []


def test_organisation_report_page_and_download_keep_the_filter(client, population):
    sign_in_to_admin(client, population.trainer)
    url = reverse("reports:organisation", args=[population.agency.pk])
    page = client.get(url, {"assignment": "self"})
    assert page.status_code == 200
    assert [row.enrolled for row in page.context["rows"]] == [1]
    assert f"?organisation={population.agency.pk}&amp;assignment=self" in page.content.decode()
    assert all(href.endswith("?assignment=self") for _label, href in page.context["downloads"])
    download = client.get(
        reverse("reports:organisation_export", args=[population.agency.pk, "csv"]), {"assignment": "self"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[1][1:5] == ["1", "0", "0", "1"]  # enrolled, not started, in progress, completed
    assert client.get(url, {"assignment": "nonsense"}).context["rows"][0].enrolled == 2  # ignored


def test_organisation_index_finds_by_name_and_kind(client, population):
    sign_in_to_admin(client, population.trainer)
    url = reverse("reports:organisations")

    def names(**query):
        return [row[0].name for row in client.get(url, query).context["organisations"]]

    assert names() == ["Agency A", "Council B"]
    assert names(q="council") == ["Council B"]
    assert names(kind="agency") == ["Agency A"]
    assert names(q="agency", kind="council") == []
    assert names(kind="nonsense") == ["Agency A", "Council B"]  # an invalid filter narrows nothing


def test_learner_timeline(population):
    events = services.learner_timeline(population.people["Bob"])
    kinds = sorted((event.kind, event.what, event.detail) for event in events)
    assert kinds == sorted(
        [
            ("Enrolled", "Enrolled", ""),
            ("Lesson", population.lessons[0].title, ""),
            ("Quiz attempt", f"{population.quiz.title}, attempt 1", "40%, not passed"),
            ("Practice task", population.lessons[1].title, "Submitted"),
        ]
    )
    ann = {(event.kind, event.what) for event in services.learner_timeline(population.people["Ann"])}
    assert {("Certificate", "Certificate issued"), ("Certificate", "Certificate reissued")} <= ann
    assert ("Completed", "Completed the course") in ann


def test_report_pages_render_with_charts_and_tables(client, population):
    sign_in_to_admin(client, population.trainer)
    page = client.get(reverse("reports:course", args=[population.course.pk]))
    assert page.status_code == 200
    text = page.text
    assert text.count('<svg class="report-chart" role="img"') == 3  # progress, funnel, quiz scores
    assert "<desc" in text and "Completed: 1 of 4." in text
    assert reverse("reports:learner", args=[population.people["Bob"].pk]) in text
    assert reverse("quizzes_admin:statistics", args=[population.quiz.pk]) in text

    organisation = client.get(reverse("reports:organisation", args=[population.agency.pk]))
    assert organisation.status_code == 200 and "Fay Learner" in organisation.text
    learner = client.get(reverse("reports:learner", args=[population.people["Ann"].pk]))
    assert "Certificate reissued" in learner.text
    assert client.get(reverse("reports:index")).status_code == 200
    assert "Agency A" in client.get(reverse("reports:organisations")).text
    assert "Bob Learner" in client.get(reverse("reports:learners"), {"q": "bob"}).text


def test_report_queries_do_not_grow_with_learners(client, population, django_assert_max_num_queries):
    """Every report page and download takes as many queries for 20 active learners as for 3."""
    from courses.models import LessonCompletion, TaskSubmission
    from tests.reports.conftest import attempt

    sign_in_to_admin(client, population.trainer)
    course, agency = population.course, population.agency
    urls = [
        reverse("reports:course", args=[course.pk]),
        reverse("reports:course", args=[course.pk]) + f"?organisation={agency.pk}&status=in_progress",
        reverse("reports:course_export", args=[course.pk, "csv"]),
        reverse("reports:course_export", args=[course.pk, "xlsx"]),
        reverse("reports:organisation", args=[agency.pk]),
        reverse("reports:organisation_export", args=[agency.pk, "csv"]),
        reverse("reports:index"),
        reverse("reports:organisations"),
        reverse("reports:learners"),
    ]

    def fetch(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return b"".join(response.streaming_content) if response.streaming else response.content

    counts = {}
    for url in urls:
        fetch(url)  # warm caches (site root, session)
        with CaptureQueriesContext(connection) as few:
            fetch(url)
        counts[url] = len(few.captured_queries)

    for number in range(17):
        learner = make_user(
            email=f"extra{number}@example.gov.au", full_name=f"Extra {number}", organisation=agency
        )
        enrolment = enrol(learner, course)
        LessonCompletion.objects.create(enrolment=enrolment, lesson=population.lessons[0])
        attempt(learner, population.quiz, 1, 50 + number)
        TaskSubmission.objects.create(enrolment=enrolment, lesson=population.lessons[1], text="Work")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            fetch(url)
    report = client.get(urls[0]).context["report"]
    assert report.enrolled == 21 and report.quizzes[0].learners == 19


HOSTILE = '=HYPERLINK("http://x","y")'


def test_exports_neutralise_formulas_and_keep_markup_as_text(client, population):
    bob = population.people["Bob"]
    bob.full_name = HOSTILE
    bob.save()
    cat = population.people["Cat"]
    cat.full_name = "<script>alert(1)</script>"
    cat.save()
    sign_in_to_admin(client, population.trainer)

    response = client.get(reverse("reports:course_export", args=[population.course.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert "'" + HOSTILE in names and HOSTILE not in names
    assert "<script>alert(1)</script>" in names  # as typed: a CSV is text, not HTML

    response = client.get(reverse("reports:course_export", args=[population.course.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [sheet.cell(row=row, column=1) for row in range(2, sheet.max_row + 1)]
    assert all(cell.data_type == "s" for cell in cells)
    values = [cell.value for cell in cells]
    assert "'" + HOSTILE in values and "<script>alert(1)</script>" in values
    assert [c.value for c in sheet[1]][:4] == ["Learner", "Email", "Organisation", "Progress"]
    progress = {
        sheet.cell(row=row, column=2).value: sheet.cell(row=row, column=5).value for row in range(2, 6)
    }
    assert progress["ann@example.gov.au"] == 100  # numbers stay numbers

    page = client.get(reverse("reports:course", args=[population.course.pk])).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    assert client.get(reverse("reports:course_export", args=[population.course.pk, "pdf"])).status_code == 404


def test_learner_and_organisation_exports(client, population):
    sign_in_to_admin(client, population.trainer)
    response = client.get(reverse("reports:learner_export", args=[population.people["Bob"].pk, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["When", "Event", "Course", "What", "Detail"]
    assert {row[1] for row in rows[1:]} == {"Enrolled", "Lesson", "Quiz attempt", "Practice task"}
    response = client.get(reverse("reports:organisation_export", args=[population.agency.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[2]] == [population.course.title, 2, 0, 1, 1, 50, 1, 1]


def test_learner_record_is_reachable_from_the_user_admin(client, population):
    from django.contrib.auth.models import Group

    bob = population.people["Bob"]
    admin = make_user(email="admin@example.gov.au", full_name="Ada Admin", is_superuser=True)
    Group.objects.get(name="Trainers").user_set.add(admin)
    sign_in_to_admin(client, admin)
    record = reverse("reports:learner", args=[bob.pk])
    assert record in client.get(reverse("wagtailusers_users:edit", args=[bob.pk])).text
    assert record in client.get(reverse("wagtailusers_users:index"), {"q": "bob"}).text


def test_other_admin_lists_link_each_learner_to_their_record(client, population):
    from certificates.models import Certificate

    sign_in_to_admin(client, population.trainer)
    bob, ann = population.people["Bob"], population.people["Ann"]
    overdue = client.get(reverse("training:overdue")).text
    record = reverse("reports:learner", args=[bob.pk])
    assert f'href="{record}">Learner record<span class="w-sr-only"> of Bob Learner</span>' in overdue
    issued = client.get(reverse("certificates_admin:issued")).text
    assert Certificate.objects.filter(user=ann).exists()
    assert f'<a href="{reverse("reports:learner", args=[ann.pk])}">Ann Learner</a>' in issued


def test_course_export_dates_are_each_enrolments_days(client, population):
    """The export's dates come with the report's rows; the page's from add_dates(): the same days."""
    from django.utils import timezone

    from courses.models import Enrolment

    sign_in_to_admin(client, population.trainer)
    response = client.get(reverse("reports:course_export", args=[population.course.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    exported = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}

    def day(value):
        return timezone.localdate(value).isoformat() if value else ""

    enrolments = Enrolment.objects.filter(course=population.course, user__is_active=True)
    assert len(exported) == enrolments.count() == 4
    for enrolment in enrolments.select_related("user"):
        row = exported[enrolment.user.email]
        assert row["Enrolled"] == day(enrolment.enrolled_at) != ""
        assert row["Last activity"] == day(enrolment.last_activity_at)
        assert row["Completed"] == day(enrolment.completed_at)
    assert exported["ann@example.gov.au"]["Completed"] != ""  # Ann's completion is exported
    assert exported["dan@example.gov.au"]["Last activity"] != ""

    page_rows = client.get(reverse("reports:course", args=[population.course.pk])).context["page_obj"]
    shown = {row.email: (row.enrolled_at, row.last_activity_at, row.completed_at) for row in page_rows}
    for email, row in exported.items():
        assert [d.isoformat() if d else "" for d in shown[email]] == [
            row["Enrolled"],
            row["Last activity"],
            row["Completed"],
        ]
