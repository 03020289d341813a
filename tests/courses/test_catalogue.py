import pytest
from django.core.cache import cache

from courses.factories import catalogue
from courses.models import CoursePage, LessonPage
from quizzes.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def courses():
    councillors = make_course(title="Councillors online", quiz=False)
    councillors.audience = CoursePage.Audience.COUNCILLORS
    councillors.save_revision().publish()
    servants = make_course(title="Public servants online", quiz=False)
    servants.audience = CoursePage.Audience.PUBLIC_SERVANTS
    servants.save_revision().publish()
    everyone = make_course(title="Everyone online", quiz=False)
    lesson = LessonPage.objects.descendant_of(everyone).first()
    lesson.title = "Caretaker periods explained"
    lesson.save_revision().publish()
    return councillors, servants, everyone


def test_filter_by_audience(client, courses):
    html = client.get(catalogue().url, {"audience": "councillors"}).content.decode()
    assert "Councillors online" in html and "Everyone online" in html
    assert "Public servants online" not in html
    html = client.get(catalogue().url, {"audience": "public_servants"}).content.decode()
    assert "Public servants online" in html and "Councillors online" not in html


def test_search_finds_courses_and_lessons(client, courses):
    html = client.get(catalogue().url, {"q": "caretaker"}).content.decode()
    assert "Caretaker periods explained" in html and "in Everyone online" in html
    html = client.get(catalogue().url, {"q": "Councillors"}).content.decode()
    assert "Councillors online" in html
    assert "No courses match" in client.get(catalogue().url, {"q": "zzzxqy"}).content.decode()
    both = client.get(catalogue().url, {"q": "online", "audience": "councillors"}).content.decode()
    assert "Councillors online" in both and "Public servants online" not in both


def test_public_pages_are_cached_and_refreshed_on_publish(client, courses, django_assert_max_num_queries):
    url = catalogue().url
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    with django_assert_max_num_queries(0):  # answered from the shared cache before routing
        again = client.get(url)
    assert again.content == first.content
    make_course(title="Brand new course", quiz=False)
    assert "Brand new course" in client.get(url).content.decode()


def test_logged_in_pages_are_private(client, courses, learner):
    client.force_login(learner)
    response = client.get(catalogue().url)
    assert "private" in response["Cache-Control"]
    assert learner.full_name in response.content.decode()  # not someone else's cached page


def test_catalogue_queries_do_not_grow_for_a_signed_in_learner(
    client, learner, django_assert_max_num_queries
):
    from courses.services import enrol

    client.force_login(learner)
    # Lessons and a quiz: the cards' progress asks each item type once, whatever the courses.
    enrol(learner, make_course(title="First"))
    with django_assert_max_num_queries(50) as few:
        client.get(catalogue().url)
    for n in range(3):  # a query per course or per module would show at once
        enrol(learner, make_course(title=f"Extra {n}", kinds=("knowledge", "skill"), lessons_per_module=2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(catalogue().url).content.decode()
    assert "Extra 2" in html


def test_course_page_shows_a_progress_bar_per_module(client, learner):
    from courses.services import enrol

    course = make_course(title="Bars", kinds=("knowledge", "skill"), lessons_per_module=2, quiz=False)
    enrol(learner, course)
    client.force_login(learner)
    html = client.get(course.url).content.decode()
    assert html.count('role="progressbar"') == 3  # the course and each module
    assert "Knowledge module: 0 of 2 required items complete (0%)" in html
