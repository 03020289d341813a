"""The platform's real courses, loaded from content/courses/ (issue: course catalogue)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from content import checks
from content.fingerprint import (
    FINGERPRINT_FILE,
    HEADER,
    copied_runs,
    fingerprint_of,
    load_fingerprint,
    main,
    run_hash,
)
from courses.factories import make_user
from courses.models import CoursePage, LessonPage, ModulePage
from courses.services import enrol
from practice.models import DraftPostPage, MetricsExercisePage
from quizzes.models import QuizPage

FULL_COURSES = {
    "public-servants": "public_servants",
    "agencies": "public_servants",
    "councillors": "councillors",
}
FINGERPRINT = load_fingerprint()

# Made-up "material" for the originality tests: the real material is not in this repository.
MATERIAL = (
    "Every agency that posts on a public channel should keep a written record of who approved "
    "each message, when it went out, and which policy it relied on."
)


def test_three_full_courses_exist():
    slugs = {checks.load_course(folder)["slug"] for folder in checks.course_folders()}
    assert slugs == set(FULL_COURSES)


@pytest.mark.parametrize("folder", checks.course_folders(), ids=lambda p: p.name)
def test_course_source_passes_the_quality_checks(folder, db):
    problems = checks.course_problems(folder, FINGERPRINT)
    assert problems == []


def test_the_committed_fingerprint_of_the_material_loads():
    assert FINGERPRINT_FILE.read_text(encoding="utf-8").startswith(HEADER + "\n")
    assert len(FINGERPRINT) > 1000  # a few thousand runs in the five source documents
    assert all(len(entry) == 16 and int(entry, 16) >= 0 for entry in FINGERPRINT)


def test_originality_check_catches_a_copied_run_of_twelve_words():
    fingerprint = fingerprint_of([MATERIAL])
    copied = "Our rule: Keep a WRITTEN record of who approved each message, when it went! Then post."
    assert copied_runs(copied, fingerprint) == [
        "keep a written record of who approved each message when it went"
    ]
    eleven = "A written record of who approved each message, when it went."
    assert copied_runs(eleven, fingerprint) == []


def test_course_check_reports_a_lesson_that_copies_the_material(db):
    """The check itself can fail: a lesson whose text is in the fingerprint is reported."""
    folder = checks.course_folders()[0]
    module = checks.load_course(folder)["modules"][0]
    lesson = module["lessons"][0]
    fingerprint = FINGERPRINT | fingerprint_of([checks.lesson_text(lesson)])
    problems = checks.course_problems(folder, fingerprint)
    assert any(
        problem.startswith(f"{module['slug']}/{lesson['slug']}: shares 12 words with the material")
        for problem in problems
    )


def test_fingerprint_command_writes_the_hashes_of_the_material(tmp_path, capsys):
    material = tmp_path / "material"
    material.mkdir()
    (material / "000_note.txt").write_text(MATERIAL, encoding="utf-8")
    (material / "README.md").write_text("Not material: only .txt files are read.", encoding="utf-8")
    output = tmp_path / "fingerprint.txt"
    assert main(["--material", str(material), "--output", str(output)]) == 0
    written = load_fingerprint(output)
    assert written == fingerprint_of([MATERIAL])
    assert run_hash("keep a written record of who approved each message when it went") in written
    assert MATERIAL.split()[3] not in output.read_text(encoding="utf-8")  # hashes only, no text


def test_plain_english_check_can_fail():
    assert (
        checks.fk_grade(
            "Notwithstanding considerable organisational heterogeneity, interdepartmental "
            "communication methodologies necessitate comprehensive institutional recalibration."
        )
        > 10
    )


@pytest.mark.django_db
def test_loader_builds_the_catalogue_and_every_page_renders(loaded_courses, client):
    learner = make_user()
    client.force_login(learner)
    for slug, audience in FULL_COURSES.items():
        course = CoursePage.objects.get(slug=slug)
        assert course.audience == audience
        modules = ModulePage.objects.child_of(course)
        assert {m.kind for m in modules} >= {"knowledge", "skill", "practice"}
        enrol(learner, course)
        assert client.get(course.url).status_code == 200
        skill_activities = []
        for module in modules:
            lessons = LessonPage.objects.child_of(module).live().exact_type(LessonPage)
            assert lessons.count() >= checks.MIN_LESSONS
            activities = LessonPage.objects.child_of(module).live().not_exact_type(LessonPage).specific()
            if module.kind == "practice":
                assert len(activities) >= checks.MIN_PRACTICE_ACTIVITIES
            if module.kind == "skill":
                skill_activities += [
                    a for a in activities if isinstance(a, DraftPostPage | MetricsExercisePage)
                ]
            for activity in activities:
                response = client.get(activity.url)
                assert response.status_code == 200, activity.url
                assert b'id="activity"' in response.content and b"Mark as complete" not in response.content
            quiz = QuizPage.objects.child_of(module).live().get()
            questions = quiz.questions()
            assert len(questions) >= checks.MIN_QUESTIONS
            assert all(q.general_feedback for q in questions)
            for lesson in lessons:
                response = client.get(lesson.url)
                assert response.status_code == 200, lesson.url
                assert b"Key takeaways" in response.content
                if module.kind == "skill":  # each Skill lesson links the activity that practises it
                    assert b'class="callout callout--tip"' in response.content
                    assert b"Try it: " in response.content
            assert client.get(quiz.url).status_code == 200
            client.post(reverse("quizzes:start", args=[quiz.pk]))
        assert skill_activities, f"{slug}: no draft-a-post or metrics activity in a Skill module"
        assert client.get(reverse("dashboard")).status_code == 200

    second = StringIO()
    call_command("load_courses", stdout=second)
    assert "Nothing to change" in second.getvalue()


def test_course_check_asks_for_practice_activities(tmp_path, db):
    import shutil

    folder = tmp_path / "01-public-servants"
    shutil.copytree(checks.course_folders()[0], folder)
    source = folder / "course.yaml"
    text = source.read_text()
    # Without its activities, the Practice module and the Skill module fall short.
    source.write_text(text.replace("    activities:\n", "    old_activities:\n"))
    problems = checks.course_problems(folder)
    assert any("0 activities, needs at least 2" in p for p in problems)
    assert any("draft-a-post or metrics activity in a Skill module" in p for p in problems)


def test_councillors_course_has_the_table_of_rules_by_state_and_the_nt():
    data = checks.load_course(checks.COURSES_DIR / "03-councillors")
    tables = [
        block["table"]
        for module in data["modules"]
        for lesson in module["lessons"]
        for block in lesson["body"]
        if "table" in block
    ]
    (table,) = tables
    assert [row[0] for row in table["rows"]] == [
        "New South Wales",
        "Victoria",
        "Queensland",
        "Western Australia",
        "South Australia",
        "Tasmania",
        "Northern Territory",
    ]
    assert all(cell.strip() for row in table["rows"] for cell in row)
    assert "Australian Capital Territory" not in str(table)  # the ACT has no councils (said in the text)


def test_a_table_is_read_cell_by_cell_for_the_plain_english_check():
    table = {"caption": "Rules", "header": ["Where", "Act"], "rows": [["Tasmania", "Archives Act 1983"]]}
    lines = checks.block_text({"table": table}).splitlines()
    assert lines == ["Rules.", "Where.", "Act.", "Tasmania.", "Archives Act 1983."]


def test_course_check_asks_for_module_outcomes_and_one_per_question(tmp_path, db):
    import shutil

    folder = tmp_path / "02-agencies"
    shutil.copytree(checks.COURSES_DIR / "02-agencies", folder)
    source = folder / "course.yaml"
    source.write_text(source.read_text().replace("    outcomes:\n", "    old_outcomes:\n", 1))
    gift = folder / "run-test-improve.gift"
    gift.write_text(gift.read_text().replace("// outcome: P1\n", "", 1))
    problems = checks.course_problems(folder, FINGERPRINT)
    assert "the-big-picture: needs learning outcomes (outcomes: code and text)" in problems
    assert any(p.startswith("the-big-picture.gift:") and "names outcome 'K1'" in p for p in problems)
    assert any(p.startswith("run-test-improve.gift:") and "names no outcome" in p for p in problems)


def test_every_shipped_question_tests_one_of_its_module_outcomes():
    for folder in checks.course_folders():
        data = checks.load_course(folder)
        for module in data["modules"]:
            codes = {outcome["code"] for outcome in module["outcomes"]}
            assert len(codes) >= 2, module["slug"]
            _, questions = next(q for q in checks.course_quizzes(folder) if q[0] == module["quiz"]["gift"])
            assert {q.outcome for q in questions} <= codes


def test_course_check_asks_for_a_try_it_per_skill_lesson_and_model_answers(tmp_path, db):
    import shutil

    folder = tmp_path / "03-councillors"
    shutil.copytree(checks.COURSES_DIR / "03-councillors", folder)
    source = folder / "course.yaml"
    text = source.read_text()
    text = text.replace("        try_it: try-it-a-friends-application\n", "", 1)
    wrong = "        try_it: no-such-activity\n"
    text = text.replace("        try_it: try-it-which-account-whose-help\n", wrong, 1)
    start = text.index("        slug: try-it-a-comment-names-a-builder")
    text = text[:start] + text[start:].replace("        model_answer: |", "        old_answer: |", 1)
    source.write_text(text)
    problems = checks.course_problems(folder, FINGERPRINT)
    needs = "a Skill lesson needs try_it: the slug of one of its module's activities"
    assert f"building-a-trusted-presence/conflicts-of-interest-and-disclosure: {needs}" in problems
    assert f"building-a-trusted-presence/personal-versus-official-accounts: {needs}" in problems
    builder = "building-a-trusted-presence/try-it-a-comment-names-a-builder"
    assert f"{builder}: needs a model_answer shown after submission" in problems


def test_every_shipped_skill_lesson_has_its_own_try_it_and_every_draft_model_answer_passes():
    from practice.checks import PostRules, check_post, passed, words_to_avoid_from

    for folder in checks.course_folders():
        for module in checks.load_course(folder)["modules"]:
            activities = {a["slug"]: a for a in module.get("activities", [])}
            if module["kind"] == "skill":
                tries = [lesson["try_it"] for lesson in module["lessons"]]
                assert len(set(tries)) == len(tries) and set(tries) <= set(activities), module["slug"]
            for activity in activities.values():
                assert activity["model_answer"].strip()
                if activity["type"] == "draft_post" and activity["review"] == "automatic":
                    answer = activity["model_answer"].strip().strip('"')
                    rules = PostRules(
                        platform_name=activity["platform"],
                        character_limit=2000,
                        require_link=activity.get("require_link", False),
                        words_to_avoid=words_to_avoid_from("\n".join(activity.get("words_to_avoid", []))),
                        max_reading_grade=activity.get("max_reading_grade", 9),
                    )
                    assert passed(check_post(answer, rules)), (activity["slug"], check_post(answer, rules))


def test_a_figure_needs_a_dated_source_note_but_a_worked_example_does_not():
    claim = "Nearly 70% of adults use social media.\n\n*Source: a survey of online adults.*"
    assert checks.figure_problems("l", claim) == [
        "l: the source note 'Source: a survey of online adults.*...' needs a year",
        "l: the figure in 'Nearly 70% of adults use social media.' needs a dated source note",
    ]
    dated = "Nearly 70% of adults use social media.\n\n*Source: a 2013 survey of online adults (old).*"
    assert checks.figure_problems("l", dated) == []
    undated = "Nearly 70% of adults use social media.\n\n*Source: an undated overview. Treat it as old.*"
    assert checks.figure_problems("l", undated) == []  # a source without a year must say so
    example = "For example, 30 engagements from a reach of 1,000 is 3%. You need 75% to pass."
    assert checks.figure_problems("l", example) == []


def test_no_recall_question_type_may_dominate_a_quiz():
    from quizzes.gift import parse_gift

    recall = "".join(f"::Fact {n}::Is {n} even?{{{'T' if n % 2 == 0 else 'F'}}}\n\n" for n in range(3))
    scenarios = "".join(f"::Scenario\\: Case {n}::What now?{{=Ask ~Guess ~Wait}}\n\n" for n in range(5))
    questions = parse_gift(recall + scenarios)
    assert checks.recall_problems("q.gift", questions) == [
        "q.gift: 3 of 8 questions are True/false recall questions (at most 25%); turn some into scenarios"
    ]
    assert checks.recall_problems("q.gift", questions[2:]) == []  # 1 of 6
