import pytest
from django.core.management import call_command

from content.models import LoadedPage
from courses.models import CoursePage, LessonPage, ModulePage
from quizzes.models import QuizPage, SingleChoiceQuestion


def load():
    from io import StringIO

    out = StringIO()
    call_command("load_courses", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loads_the_demo_course_tree():
    output = load()
    assert "created" in output
    course = CoursePage.objects.get(slug="social-media-starter")
    kinds = set(ModulePage.objects.child_of(course).values_list("kind", flat=True))
    assert kinds == {"knowledge", "skill", "practice"}
    assert LessonPage.objects.descendant_of(course).count() == 4
    quiz = QuizPage.objects.descendant_of(course).get()
    assert len(quiz.questions()) == 3
    assert all(q.general_feedback for q in quiz.questions())
    lesson = LessonPage.objects.descendant_of(course).first()
    assert any(block.block_type == "key_takeaways" for block in lesson.body)


@pytest.mark.django_db
def test_second_run_changes_nothing():
    load()
    counts = (CoursePage.objects.count(), LessonPage.objects.count(), SingleChoiceQuestion.objects.count())
    revisions = sorted(LoadedPage.objects.values_list("revision_id", flat=True))
    output = load()
    assert "Nothing to change" in output
    assert counts == (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        SingleChoiceQuestion.objects.count(),
    )
    assert revisions == sorted(LoadedPage.objects.values_list("revision_id", flat=True))


@pytest.mark.django_db
def test_second_run_keeps_each_quiz_on_the_same_questions():
    load()
    before = {quiz.pk: [q.pk for q in quiz.questions()] for quiz in QuizPage.objects.all()}
    load()
    after = {quiz.pk: [q.pk for q in quiz.questions()] for quiz in QuizPage.objects.all()}
    assert before == after
    assert all(before.values())


@pytest.mark.django_db
def test_page_edited_in_admin_is_left_alone(tmp_path, settings):
    import shutil

    from content.loader import COURSES_DIR

    shutil.copytree(COURSES_DIR, tmp_path / "courses")
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    lesson = LessonPage.objects.get(slug="the-skills-gap")
    lesson.title = "The skills gap (edited by a trainer)"
    lesson.save_revision().publish()

    source = tmp_path / "courses" / "00-demo" / "course.yaml"
    source.write_text(source.read_text().replace("title: The skills gap", "title: The skills gap, revised"))
    from io import StringIO

    out = StringIO()
    call_command("load_courses", "--dir", str(tmp_path / "courses"), stdout=out)
    assert "Left alone" in out.getvalue()
    lesson.refresh_from_db()
    assert lesson.title == "The skills gap (edited by a trainer)"


@pytest.mark.django_db
def test_bad_source_is_refused_and_names_the_file(tmp_path):
    from django.core.management.base import CommandError

    folder = tmp_path / "courses" / "bad"
    folder.mkdir(parents=True)
    (folder / "course.yaml").write_text("title: [unclosed\n")
    with pytest.raises(CommandError, match="course.yaml"):
        call_command("load_courses", "--dir", str(tmp_path / "courses"))
    assert not CoursePage.objects.exists()


@pytest.mark.django_db
def test_changed_source_updates_an_unedited_page(tmp_path):
    import shutil

    from content.loader import COURSES_DIR

    shutil.copytree(COURSES_DIR, tmp_path / "courses")
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    source = tmp_path / "courses" / "00-demo" / "course.yaml"
    source.write_text(
        source.read_text().replace("title: Plan a small experiment", "title: Plan one small test")
    )
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    assert LessonPage.objects.get(slug="plan-an-experiment").title == "Plan one small test"
