"""Quality checks for course source files, used by the tests and runnable by authors:

    .venv/bin/python manage.py check_courses            # every full course under content/courses/
    .venv/bin/python manage.py check_courses 01-public-servants

Checks: plain English (Flesch-Kincaid grade of each lesson at most MAX_GRADE), originality
(no run of ORIGINALITY_WORDS consecutive words shared with the source material, found through
the committed fingerprint of the material: see content/fingerprint.py), and shape
(K/S/P modules, lesson and question counts, key takeaways last, exercises in Practice lessons,
feedback on every question, share of scenario questions).
"""

from pathlib import Path

import markdown
import yaml
from django.utils.html import strip_tags

from quizzes.gift import GiftError, parse_gift

from .fingerprint import RUN_WORDS, copied_runs, load_fingerprint

COURSES_DIR = Path(__file__).resolve().parent / "courses"
MAX_GRADE = 10
ORIGINALITY_WORDS = RUN_WORDS
MIN_LESSONS, MIN_QUESTIONS, MIN_SCENARIO_SHARE = 3, 8, 0.4


def plain(markdown_text):
    return strip_tags(markdown.markdown(markdown_text or "", extensions=["extra"]))


def block_text(block):
    """The readable text of one YAML body block."""
    ((kind, value),) = block.items()
    if kind == "text":
        return plain(value)
    if kind == "key_takeaways":
        return "\n".join(
            f"{point}." if not point.rstrip().endswith((".", "?", "!")) else point for point in value
        )
    if isinstance(value, dict):
        return "\n".join(plain(str(v)) for k, v in value.items() if k not in {"tone", "minutes"})
    return plain(str(value))


def lesson_text(lesson):
    return "\n".join([lesson["title"] + "."] + [block_text(block) for block in lesson.get("body", [])])


def fk_grade(text):
    import textstat

    return textstat.flesch_kincaid_grade(text)


def load_course(folder):
    return yaml.safe_load((Path(folder) / "course.yaml").read_text(encoding="utf-8"))


def course_problems(folder, fingerprint=None):
    """Every problem found in one course folder, as readable strings.

    `fingerprint` is the material's (load_fingerprint() when not given).
    """
    folder = Path(folder)
    fingerprint = load_fingerprint() if fingerprint is None else fingerprint
    data = load_course(folder)
    problems = []
    kinds = {module["kind"] for module in data.get("modules", [])}
    if not {"knowledge", "skill", "practice"} <= kinds:
        problems.append(f"{folder.name}: needs Knowledge, Skill and Practice modules (has {sorted(kinds)})")
    texts = [("course description", plain(data.get("description", "")) + "\n" + data.get("summary", ""))]
    for module in data.get("modules", []):
        lessons = module.get("lessons", [])
        if len(lessons) < MIN_LESSONS:
            problems.append(f"{module['slug']}: {len(lessons)} lessons, needs at least {MIN_LESSONS}")
        for lesson in lessons:
            body = lesson.get("body") or []
            where = f"{module['slug']}/{lesson['slug']}"
            if not body or "key_takeaways" not in body[-1]:
                problems.append(f"{where}: must end with key_takeaways")
            if module["kind"] == "practice" and not any("exercise" in block for block in body):
                problems.append(f"{where}: a Practice lesson needs an exercise block")
            text = lesson_text(lesson)
            grade = fk_grade(text)
            if grade > MAX_GRADE:
                problems.append(f"{where}: Flesch-Kincaid grade {grade:.1f} (max {MAX_GRADE})")
            texts.append((where, text))
        quiz = module.get("quiz")
        if not quiz:
            problems.append(f"{module['slug']}: needs a quiz")
            continue
        gift_path = folder / quiz["gift"]
        try:
            questions = parse_gift(gift_path.read_text(encoding="utf-8"))
        except GiftError as error:
            problems.append(f"{gift_path.name}: {error}")
            continue
        if len(questions) < MIN_QUESTIONS:
            problems.append(f"{gift_path.name}: {len(questions)} questions, needs at least {MIN_QUESTIONS}")
        scenarios = sum(1 for q in questions if q.fields["name"].lower().startswith("scenario"))
        if questions and scenarios / len(questions) < MIN_SCENARIO_SHARE:
            problems.append(f"{gift_path.name}: {scenarios}/{len(questions)} scenario questions (needs 40%)")
        for q in questions:
            if not strip_tags(q.fields.get("general_feedback", "")).strip():
                problems.append(f"{gift_path.name}:{q.line}: question has no general feedback")
            texts.append((f"{gift_path.name}:{q.line}", strip_tags(str(q.fields))))
    for where, text in texts:
        shared = copied_runs(text, fingerprint)
        if shared:
            problems.append(f"{where}: shares {ORIGINALITY_WORDS} words with the material: '{shared[0]}'")
    return problems


def course_folders(names=()):
    """The named course folders (all of them when none is named), leaving out the 00- starter
    course: a short demo, not held to the full-course shape."""
    folders = [COURSES_DIR / name for name in names] or [
        path.parent for path in sorted(COURSES_DIR.glob("*/course.yaml"))
    ]
    return [folder for folder in folders if not folder.name.startswith("00-")]
