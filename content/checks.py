"""Quality checks for course source files, used by the tests and runnable by authors:

    .venv/bin/python -m content.checks            # every course under content/courses/
    .venv/bin/python -m content.checks 01-public-servants
    .venv/bin/python -m content.checks --fingerprint PATH/TO/MATERIAL   # after the material changes

Checks: plain English (Flesch-Kincaid grade of each lesson at most MAX_GRADE), originality
(no run of ORIGINALITY_WORDS consecutive words shared with the source material), and shape
(K/S/P modules, lesson and question counts, key takeaways last, exercises in Practice lessons,
feedback on every question, share of scenario questions).
"""

import hashlib
import re
import sys
from pathlib import Path

import markdown
import yaml
from django.utils.html import strip_tags

COURSES_DIR = Path(__file__).resolve().parent / "courses"
# The source material is not part of the project: only a fingerprint (a short hash) of each run of
# ORIGINALITY_WORDS words in it is kept, so the originality check runs in a clone with nothing beside
# it. Rebuild after the material changes: python -m content.checks --fingerprint FOLDER_OF_TXT_FILES
FINGERPRINTS_FILE = Path(__file__).resolve().parent / "material.fingerprints"
MAX_GRADE = 10
ORIGINALITY_WORDS = 12
MIN_LESSONS, MIN_QUESTIONS, MIN_SCENARIO_SHARE = 3, 8, 0.4


def words(text):
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))


def ngrams(tokens, n=ORIGINALITY_WORDS):
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def fingerprint(gram):
    return hashlib.blake2b(gram.encode(), digest_size=8).hexdigest()


def fingerprint_folder(material_dir):
    """Fingerprints of every ORIGINALITY_WORDS-word run in the folder's .txt files."""
    grams = set()
    for path in sorted(Path(material_dir).glob("*.txt")):
        grams |= ngrams(words(path.read_text(encoding="utf-8", errors="ignore")))
    return {fingerprint(gram) for gram in grams}


def material_fingerprints(path=FINGERPRINTS_FILE):
    return set(Path(path).read_text(encoding="ascii").split())


def copied_runs(text, fingerprints):
    """The runs of ORIGINALITY_WORDS words in text whose fingerprint is in the material's."""
    return sorted(gram for gram in ngrams(words(text)) if fingerprint(gram) in fingerprints)


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


def course_problems(folder, grams=None):
    """Every problem found in one course folder, as readable strings."""
    from quizzes.gift import GiftError, parse_gift

    folder = Path(folder)
    grams = material_fingerprints() if grams is None else grams
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
        shared = copied_runs(text, grams)
        if shared:
            problems.append(f"{where}: shares {ORIGINALITY_WORDS} words with the material: '{shared[0]}'")
    return problems


def main(argv):
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    if argv[:1] == ["--fingerprint"] and len(argv) == 2:
        prints = fingerprint_folder(argv[1])
        FINGERPRINTS_FILE.write_text("".join(f"{p}\n" for p in sorted(prints)), encoding="ascii")
        print(f"{len(prints)} fingerprints written to {FINGERPRINTS_FILE}")  # noqa: T201
        return 0
    django.setup()
    folders = [COURSES_DIR / name for name in argv] or sorted(
        p.parent for p in COURSES_DIR.glob("*/course.yaml")
    )
    grams = material_fingerprints()
    total = 0
    for folder in folders:
        if folder.name.startswith("00-"):
            continue  # the starter course is a short demo, not held to the full-course shape
        problems = course_problems(folder, grams)
        total += len(problems)
        print(f"{folder.name}: {'OK' if not problems else f'{len(problems)} problem(s)'}")  # noqa: T201
        for problem in problems:
            print(f"  - {problem}")  # noqa: T201
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
