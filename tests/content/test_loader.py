import pytest
from django.core.management import call_command

from content.models import LoadedPage
from courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from lms.models import User
from quizzes.models import QuizPage, SingleChoiceQuestion
from surveys.models import CourseSurvey, SurveyItem


def load():
    from io import StringIO

    out = StringIO()
    call_command("load_courses", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_default_load_is_the_three_full_courses(loaded_courses):
    assert "created" in loaded_courses
    # The courses are shared by every content module; the demo people (test_demo.py) are not.
    assert not User.objects.filter(email__endswith="@demo.example").exists()
    assert set(CoursePage.objects.values_list("slug", flat=True)) == {
        "public-servants",
        "agencies",
        "councillors",
    }
    course = CoursePage.objects.get(slug="councillors")
    kinds = list(ModulePage.objects.child_of(course).values_list("kind", flat=True))
    assert kinds == ["knowledge", "skill", "practice"]
    quiz = QuizPage.objects.descendant_of(course).first()
    assert len(quiz.questions()) == 11 and all(q.general_feedback for q in quiz.questions())
    lesson = LessonPage.objects.descendant_of(course).exact_type(LessonPage).first()
    assert lesson.body[len(lesson.body) - 1].block_type == "key_takeaways"


@pytest.mark.django_db
def test_second_run_changes_nothing(loaded_courses):
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
def test_second_run_keeps_each_quiz_on_the_same_questions(loaded_courses):
    before = {quiz.pk: [q.pk for q in quiz.questions()] for quiz in QuizPage.objects.all()}
    load()
    after = {quiz.pk: [q.pk for q in quiz.questions()] for quiz in QuizPage.objects.all()}
    assert before == after
    assert all(before.values())


def lesson_course(folder):
    """A one-lesson course in `folder`; returns its course.yaml."""
    course = folder / "one"
    course.mkdir(parents=True, exist_ok=True)
    source = course / "course.yaml"
    source.write_text(
        "slug: one\ntitle: One\nsummary: A test course.\nmodules:\n"
        "  - slug: basics\n    title: Basics\n    kind: knowledge\n    lessons:\n"
        "      - slug: the-skills-gap\n        title: The skills gap\n        body:\n"
        "          - text: Few teams have the skills they need.\n"
        "          - key_takeaways: [Build skills in house.]\n"
    )
    return source


@pytest.mark.django_db
def test_page_edited_in_admin_is_left_alone(tmp_path, settings):
    source = lesson_course(tmp_path / "courses")
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    lesson = LessonPage.objects.get(slug="the-skills-gap")
    lesson.title = "The skills gap (edited by a trainer)"
    lesson.save_revision().publish()

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
    pages = CoursePage.objects.count()  # the module's shipped courses may be loaded already
    with pytest.raises(CommandError, match="course.yaml"):
        call_command("load_courses", "--dir", str(tmp_path / "courses"))
    assert CoursePage.objects.count() == pages


@pytest.mark.django_db
def test_changed_source_updates_an_unedited_page(tmp_path):
    source = lesson_course(tmp_path / "courses")
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    source.write_text(source.read_text().replace("title: The skills gap", "title: Closing the skills gap"))
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    assert LessonPage.objects.get(slug="the-skills-gap").title == "Closing the skills gap"


QUIZ_DEFAULTS = {
    "shuffle_options": True,
    "attempts_allowed": 3,
    "retry_delay_minutes": 10,
    "review_correct_answers": "after_pass_or_last",
    "show_general_feedback": False,
}


def quiz_settings(quiz):
    return {name: getattr(quiz, name) for name in QUIZ_DEFAULTS}


def tiny_course(folder, quiz_settings="", slug="tiny"):
    """A one-quiz course in `folder` (the loader does not ask for the full-course shape)."""
    course = folder / slug
    course.mkdir(parents=True, exist_ok=True)
    (course / "course.yaml").write_text(
        f"slug: {slug}\ntitle: {slug.title()}\nsummary: A test course.\nmodules:\n"
        "  - slug: basics\n    title: Basics\n    kind: knowledge\n"
        f"    quiz:\n      slug: {slug}-quiz\n      title: Basics quiz\n      gift: basics.gift\n"
        + "".join(f"      {line}\n" for line in quiz_settings.splitlines())
    )
    (course / "basics.gift").write_text(
        "::Colour::The sky on a clear day is?{~green ~red =blue ####It scatters blue light.}\n\n"
        "::Sum::Two and two make four.{T####Basic sums.}\n"
    )
    return course


@pytest.mark.django_db
def test_shipped_quizzes_get_the_default_settings(loaded_courses):
    quizzes = QuizPage.objects.all()
    assert quizzes.count() == 9  # three per full course
    assert all(quiz_settings(quiz) == QUIZ_DEFAULTS for quiz in quizzes)


@pytest.mark.django_db
def test_a_quiz_may_set_its_own_settings(tmp_path):
    tiny_course(
        tmp_path,
        "shuffle_options: false\nattempts_allowed: 0\nretry_delay_minutes: 60\n"
        "review_correct_answers: never\nshow_general_feedback: true",
    )
    call_command("load_courses", "--dir", str(tmp_path))
    assert quiz_settings(QuizPage.objects.get(slug="tiny-quiz")) == {
        "shuffle_options": False,
        "attempts_allowed": 0,
        "retry_delay_minutes": 60,
        "review_correct_answers": "never",
        "show_general_feedback": True,
    }


@pytest.mark.parametrize(
    "setting, message",
    [
        ("shuffle_options: no thanks", "shuffle_options must be true or false"),
        ("attempts_allowed: three", "attempts_allowed must be a whole number"),
        ("retry_delay_minutes: -5", "retry_delay_minutes must be a whole number"),
        ("review_correct_answers: sometimes", "review_correct_answers must be one of never, after_each"),
        ("shufle_options: false", "unknown quiz setting 'shufle_options'"),
    ],
)
@pytest.mark.django_db
def test_a_bad_quiz_setting_is_refused_and_names_the_file(tmp_path, setting, message):
    from django.core.management.base import CommandError

    tiny_course(tmp_path, setting)
    with pytest.raises(CommandError, match="course.yaml") as error:
        call_command("load_courses", "--dir", str(tmp_path))
    assert message in str(error.value)
    assert not QuizPage.objects.filter(slug="tiny-quiz").exists()


@pytest.mark.django_db
def test_a_quiz_loaded_before_the_defaults_takes_them_unless_a_trainer_set_it(tmp_path):
    """A database loaded when quizzes did not shuffle picks up the defaults on the next load; a
    quiz a trainer has since changed in the admin keeps the trainer's settings."""
    old = "shuffle_options: false\nattempts_allowed: 0\nretry_delay_minutes: 0"
    for slug in ("untouched", "edited"):
        tiny_course(tmp_path, old, slug)
    call_command("load_courses", "--dir", str(tmp_path))
    edited = QuizPage.objects.get(slug="edited-quiz")
    edited.attempts_allowed = 5
    edited.save_revision().publish()

    for slug in ("untouched", "edited"):
        tiny_course(tmp_path, "", slug)
    output = load_dir(tmp_path)
    assert "/edited/course.yaml#modules[1].quiz (Basics quiz)" in output.split("Left alone")[1]
    assert quiz_settings(QuizPage.objects.get(slug="untouched-quiz")) == QUIZ_DEFAULTS
    edited.refresh_from_db()
    assert (edited.shuffle_options, edited.attempts_allowed) == (False, 5)


@pytest.mark.django_db
def test_a_renamed_question_replaces_the_old_one_in_its_quiz(tmp_path):
    """Questions are kept by category and name, so a question whose title changes is a new
    question: the quiz moves to it, the old one stays in the bank (its attempts keep their
    snapshots), and loading again changes nothing."""
    from quizzes.models import Question

    course = tiny_course(tmp_path)
    call_command("load_courses", "--dir", str(tmp_path))
    quiz = QuizPage.objects.get(slug="tiny-quiz")
    old = [q.name for q in quiz.questions()]
    assert old == ["Colour", "Sum"]

    gift = course / "basics.gift"
    gift.write_text(
        gift.read_text().replace("::Sum::Two and two make four.{T", "::Sum, false::Two and two make five.{F")
    )
    call_command("load_courses", "--dir", str(tmp_path))
    quiz.refresh_from_db()
    assert [(q.name, q.correct_answer if q.name != "Colour" else None) for q in quiz.questions()] == [
        ("Colour", None),
        ("Sum, false", False),
    ]
    assert Question.objects.filter(name="Sum").exists()  # still in the bank, out of the quiz
    assert "Nothing to change" in load_dir(tmp_path)


def load_dir(folder):
    from io import StringIO

    out = StringIO()
    call_command("load_courses", "--dir", str(folder), stdout=out)
    return out.getvalue()


def activity_course(folder, activity_yaml):
    """A one-module course with one practice activity (indented YAML for `activities:`)."""
    course = folder / "act"
    course.mkdir(parents=True, exist_ok=True)
    (course / "course.yaml").write_text(
        "slug: act\ntitle: Act\nsummary: A test course.\nmodules:\n"
        "  - slug: doing\n    title: Doing\n    kind: practice\n    activities:\n"
        + "".join(f"      {line}\n" for line in activity_yaml.strip().splitlines())
    )
    return folder


METRICS_ACTIVITY = """
- type: metrics
  slug: rates
  title: Work out the rates
  intro: Some figures.
  prompt: Work out the engagement rate.
  review: automatic
  randomise_percent: 10
  figures:
    - {name: reach, label: Reach, value: 1000}
    - {name: likes, label: Likes, value: 50}
  questions:
    - {label: Engagement rate, formula: likes / reach * 100, tolerance: 0.1, unit: "%"}
  rubric:
    - criterion: Working shown
      levels: [{label: Missing, points: 0}, {label: Shown, points: 2}]
"""


@pytest.mark.django_db
def test_practice_activities_load_as_their_page_types_once(tmp_path):
    from practice.models import MetricsExercisePage

    activity_course(tmp_path / "courses", METRICS_ACTIVITY)
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    page = MetricsExercisePage.objects.get(slug="rates")
    assert not page.requires_approval and page.randomise_percent == 10
    assert page.base_figures() == {"reach": 1000, "likes": 50}
    assert page.rubric_criteria()[0]["levels"][1] == {"label": "Shown", "points": 2, "description": ""}
    revision = page.latest_revision_id
    call_command("load_courses", "--dir", str(tmp_path / "courses"))
    assert MetricsExercisePage.objects.get(slug="rates").latest_revision_id == revision


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("type: metrics", "type: quiz"), "type must be one of"),
        (("likes / reach", "followers / reach"), "followers"),
        (("review: automatic", "review: sometimes"), "review must be"),
    ],
)
def test_a_broken_activity_is_refused_and_named(tmp_path, change, message):
    from django.core.management.base import CommandError

    activity_course(tmp_path / "courses", METRICS_ACTIVITY.replace(*change))
    with pytest.raises(CommandError, match=message):
        call_command("load_courses", "--dir", str(tmp_path / "courses"))


TABLE_LESSON = """
slug: tab
title: Tab
summary: A test course.
modules:
  - slug: rules
    title: Rules
    kind: knowledge
    lessons:
      - slug: where
        title: Where you are
        body:
          - table:
              caption: Rules by state
              header: [Where, Act]
              rows:
                - [New South Wales, "Local Government Act 1993 <script>x</script>"]
                - [Tasmania, Local Government Act 1993]
          - key_takeaways: [Check your own Act.]
"""


@pytest.mark.django_db
def test_a_lesson_table_loads_with_its_caption_and_header_cells(tmp_path, client):
    from courses.factories import make_user
    from courses.services import enrol

    course_dir = tmp_path / "courses" / "tab"
    course_dir.mkdir(parents=True)
    (course_dir / "course.yaml").write_text(TABLE_LESSON)
    load_dir(tmp_path / "courses")
    lesson = LessonPage.objects.get(slug="where")
    (block,) = [block for block in lesson.body if block.block_type == "table"]
    assert block.value["data"][0] == ["Where", "Act"] and len(block.value["data"]) == 3
    learner = make_user()
    enrol(learner, CoursePage.objects.get(slug="tab"))
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Rules by state">' in html
    assert "<caption>Rules by state</caption>" in html
    assert html.count('<th scope="col"') == 2 and html.count('<th scope="row"') == 2
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html  # cells are escaped


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("caption: Rules by state", "title: Rules by state"), "needs a caption"),
        (("- [Tasmania, Local Government Act 1993]", "- [Tasmania]"), "every row needs 2 cells"),
    ],
)
def test_a_broken_lesson_table_is_refused_and_named(tmp_path, change, message):
    from django.core.management.base import CommandError

    course_dir = tmp_path / "courses" / "tab"
    course_dir.mkdir(parents=True)
    (course_dir / "course.yaml").write_text(TABLE_LESSON.replace(*change))
    with pytest.raises(CommandError, match=message) as error:
        load_dir(tmp_path / "courses")
    assert "course.yaml" in str(error.value)


def outcome_course(folder, code="K1"):
    """A one-quiz course whose module has two outcomes and whose questions name them."""
    course = tiny_course(folder, slug="outc")
    source = course / "course.yaml"
    source.write_text(
        source.read_text().replace(
            "    kind: knowledge\n",
            "    kind: knowledge\n    outcomes:\n"
            "      - {code: K1, text: Know the colours.}\n      - {code: K2, text: Add up.}\n",
        )
    )
    gift = course / "basics.gift"
    gift.write_text(f"// outcome: {code}\n" + gift.read_text().replace("::Sum::", "// outcome: K2\n::Sum::"))
    return course


@pytest.mark.django_db
def test_module_outcomes_load_and_each_question_points_to_its_own(tmp_path):
    from courses.models import LearningOutcome
    from quizzes.models import Question

    outcome_course(tmp_path / "courses")
    load_dir(tmp_path / "courses")
    module = ModulePage.objects.get(slug="basics")
    assert [(o.code, o.text) for o in module.outcomes.all()] == [
        ("K1", "Know the colours."),
        ("K2", "Add up."),
    ]
    assert Question.objects.get(name="Colour").outcome.code == "K1"
    assert Question.objects.get(name="Sum").outcome.code == "K2"
    # A trainer points a question at another outcome; loading again leaves that choice alone.
    Question.objects.filter(name="Colour").update(
        outcome=LearningOutcome.objects.get(module=module, code="K2")
    )
    load_dir(tmp_path / "courses")
    assert Question.objects.get(name="Colour").outcome.code == "K2"
    assert LearningOutcome.objects.filter(module=module).count() == 2


@pytest.mark.django_db
def test_a_question_naming_an_unknown_outcome_is_refused(tmp_path):
    from django.core.management.base import CommandError

    outcome_course(tmp_path / "courses", code="K9")
    with pytest.raises(CommandError, match="names outcome K9, not one of the module's"):
        load_dir(tmp_path / "courses")


TRY_IT_COURSE = """
slug: tryit
title: Try it course
summary: A test course.
modules:
  - slug: skills
    title: Skills
    kind: skill
    lessons:
      - slug: replying
        title: Replying
        try_it: reply-task
        body:
          - text: Reply kindly.
          - key_takeaways: [Be kind.]
    activities:
      - type: reflection
        slug: reply-task
        title: "Try it: write a reply"
        minutes: 12
        summary: Write a kind reply to a complaint.
        intro: A resident complains.
        prompt: Write your reply.
        review: trainer
        model_answer: Thanks for telling us.
"""


@pytest.mark.django_db
def test_a_skill_lesson_links_its_try_it_activity_before_the_takeaways(tmp_path, client):
    from courses.factories import make_user
    from courses.services import enrol

    folder = tmp_path / "courses" / "tryit"
    folder.mkdir(parents=True)
    (folder / "course.yaml").write_text(TRY_IT_COURSE)
    load_dir(tmp_path / "courses")
    lesson = LessonPage.objects.get(slug="replying")
    assert [block.block_type for block in lesson.body] == ["text", "callout", "key_takeaways"]
    callout = lesson.body[1].value
    assert callout["tone"] == "tip" and callout["heading"] == "Try it: write a reply"
    activity = LessonPage.objects.get(slug="reply-task")
    learner = make_user()
    enrol(learner, CoursePage.objects.get(slug="tryit"))
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    assert f'href="{activity.url}"' in html and "It takes about 12 minutes." in html
    assert client.get(activity.url).status_code == 200


@pytest.mark.django_db
def test_a_try_it_naming_no_activity_of_the_module_is_refused(tmp_path):
    from django.core.management.base import CommandError

    folder = tmp_path / "courses" / "tryit"
    folder.mkdir(parents=True)
    (folder / "course.yaml").write_text(TRY_IT_COURSE.replace("try_it: reply-task", "try_it: reply-tusk"))
    with pytest.raises(CommandError, match="try_it names 'reply-tusk', not one of the module's activities"):
        load_dir(tmp_path / "courses")


@pytest.mark.django_db
def test_each_course_gets_its_default_survey_once_and_keeps_a_trainers_edits(loaded_courses):
    survey = CourseSurvey.objects.get(course__slug="agencies")
    statements = list(survey.items.values_list("statement", flat=True))
    assert len(statements) == 6 and statements[0] == "The course was relevant to my work."

    SurveyItem.objects.filter(survey=survey).last().delete()  # a trainer's edit
    assert "Nothing to change" in load()
    assert survey.items.count() == 5  # left as the trainer made it
    assert not Enrolment.objects.exists()
