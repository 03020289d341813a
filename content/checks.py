"""Quality checks for course source files, used by the tests and runnable by authors:

    .venv/bin/python manage.py check_courses            # every full course under content/courses/
    .venv/bin/python manage.py check_courses 01-public-servants

Checks: plain English (Flesch-Kincaid grade of each lesson at most MAX_GRADE), originality
(no run of ORIGINALITY_WORDS consecutive words shared with the source material, found through
the committed fingerprint of the material: see content/fingerprint.py), shape
(K/S/P modules, lesson and question counts, key takeaways last, exercises in Practice lessons,
feedback on every question, share of scenario questions, learning outcomes for every module and
one of them named by every question, a "Try it" activity for every Skill lesson, a model answer
for every practice activity, no one recall question type over a quarter of a quiz, and a dated
source note wherever a lesson states a figure), and answer keys that can't be
guessed by pattern (`key_bias_problems`: where the right option sits, how long it is, and
how true/false keys split, over all of a course's GIFT files).
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml
from django.utils.html import strip_tags

from quizzes.gift import GiftError, parse_gift
from quizzes.questions import MultipleResponseQuestion, SingleChoiceQuestion, TrueFalseQuestion

from .fingerprint import RUN_WORDS, copied_runs, load_fingerprint

COURSES_DIR = Path(__file__).resolve().parent / "courses"
MAX_GRADE = 10
ORIGINALITY_WORDS = RUN_WORDS
MIN_LESSONS, MIN_QUESTIONS, MIN_SCENARIO_SHARE = 3, 8, 0.4
MIN_PRACTICE_ACTIVITIES = 2  # practice activities in every Practice module
SKILL_ACTIVITY_TYPES = {"draft_post", "metrics"}  # at least one in a Skill module of each course
# Answer-key bias, judged over all the GIFT files of a course (and over all courses together).
MIN_KEYS_TO_JUDGE = 5  # single-choice questions of 3+ options needed to judge position or length
MAX_POSITION_SHARE = 0.4  # no option position holds over 40% of the keys
TRUE_SHARE_RANGE, MIN_TRUE_FALSE = (0.35, 0.65), 6  # share of true keys, once there are 6
MIN_SAME_KEYS = 3  # with 3 to 5 true/false questions, they may not all have the same key
MAX_LONGEST_SHARE = 0.5  # the correct option is the strictly longest in at most half
# No recall question type dominates a quiz: of the questions that are not scenarios, no one type
# (true/false, short answer, matching, ...) may be more than this share of the quiz.
MAX_RECALL_TYPE_SHARE = 0.25
# Figures: a percentage or a number with thousands separators, in a sentence that is not a worked
# example or a pass mark, needs a source note with a year in the same lesson ("Source: ... 2013").
FIGURE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|per cent)|\b\d{1,3}(?:,\d{3})+\b")
NOT_A_CLAIM = re.compile(r"for example|e\.g\.|[÷×=]|\bpass", re.IGNORECASE)
SOURCE_NOTE = re.compile(r"\bSources?:[^\n]*(?:\n(?!\s*\n)[^\n]*)*")
# A year, or a plain statement that the source gives none (then the note must say so).
YEAR = re.compile(r"\b(?:19|20)\d\d\b|\bundated\b|\byear not given\b|\bgives no year\b", re.IGNORECASE)


def plain(markdown_text):
    return strip_tags(markdown.markdown(markdown_text or "", extensions=["extra"]))


def block_text(block):
    """The readable text of one YAML body block."""
    ((kind, value),) = block.items()
    if kind == "text":
        return plain(value)
    if kind == "table":  # a table is read cell by cell: the caption, then each cell as a sentence
        cells = [value.get("caption", "")] + list(value.get("header", []))
        cells += [cell for row in value.get("rows", []) for cell in row]
        return "\n".join(f"{cell}." for cell in map(str, cells))
    if kind == "key_takeaways":
        return "\n".join(
            f"{point}." if not point.rstrip().endswith((".", "?", "!")) else point for point in value
        )
    if isinstance(value, dict):
        return "\n".join(plain(str(v)) for k, v in value.items() if k not in {"tone", "minutes"})
    return plain(str(value))


def lesson_text(lesson):
    return "\n\n".join([lesson["title"] + "."] + [block_text(block) for block in lesson.get("body", [])])


def activity_text(activity):
    """What a learner reads of a practice activity: its intro, prompt, scenario and model answer."""
    parts = [activity["title"] + ".", plain(activity.get("intro", "")), plain(activity.get("prompt", ""))]
    for step in activity.get("steps", []):
        parts += [comment["text"] for comment in step.get("comments", [])]
        parts += [f"{choice['reply']} {choice['consequence']}" for choice in step.get("choices", [])]
    parts.append(plain(activity.get("model_answer", "")))
    return "\n".join(part for part in parts if part)


def figure_problems(where, text):
    """A figure stated as fact (not a worked example) needs a dated source note in its lesson, and
    every source note needs a year, so a learner can tell how old a figure or rule is."""
    problems = []
    notes = SOURCE_NOTE.findall(text)
    for note in notes:
        if not YEAR.search(note):
            problems.append(f"{where}: the source note '{note[:60]}...' needs a year")
    sentences = re.split(r"(?<=[.!?])\s+|\n", text)
    claims = [
        s for s in sentences if FIGURE.search(s) and not NOT_A_CLAIM.search(s) and not SOURCE_NOTE.match(s)
    ]
    if claims and not any(YEAR.search(note) for note in notes):
        problems.append(f"{where}: the figure in '{claims[0].strip()[:60]}' needs a dated source note")
    return problems


def recall_problems(name, questions):
    """One kind of recall question (not a scenario) making up too much of a quiz."""
    recall = Counter(
        q.model.type_label for q in questions if not q.fields["name"].lower().startswith("scenario")
    )
    if not questions or not recall:
        return []
    kind, count = recall.most_common(1)[0]
    if count / len(questions) > MAX_RECALL_TYPE_SHARE:
        return [
            f"{name}: {count} of {len(questions)} questions are {kind} recall questions "
            f"(at most {MAX_RECALL_TYPE_SHARE:.0%}); turn some into scenarios"
        ]
    return []


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
    problems, quizzes = [], []
    kinds = {module["kind"] for module in data.get("modules", [])}
    if not {"knowledge", "skill", "practice"} <= kinds:
        problems.append(f"{folder.name}: needs Knowledge, Skill and Practice modules (has {sorted(kinds)})")
    texts = [("course description", plain(data.get("description", "")) + "\n" + data.get("summary", ""))]
    for module in data.get("modules", []):
        lessons = module.get("lessons", [])
        codes = [str(o.get("code", "")) for o in module.get("outcomes") or [] if isinstance(o, dict)]
        if not codes:
            problems.append(f"{module['slug']}: needs learning outcomes (outcomes: code and text)")
        elif len(set(codes)) != len(codes):
            problems.append(f"{module['slug']}: an outcome code is used twice")
        if len(lessons) < MIN_LESSONS:
            problems.append(f"{module['slug']}: {len(lessons)} lessons, needs at least {MIN_LESSONS}")
        for lesson in lessons:
            body = lesson.get("body") or []
            where = f"{module['slug']}/{lesson['slug']}"
            if not body or "key_takeaways" not in body[-1]:
                problems.append(f"{where}: must end with key_takeaways")
            if module["kind"] == "practice" and not any("exercise" in block for block in body):
                problems.append(f"{where}: a Practice lesson needs an exercise block")
            activity_slugs = {activity.get("slug") for activity in module.get("activities", [])}
            if module["kind"] == "skill" and lesson.get("try_it") not in activity_slugs:
                problems.append(
                    f"{where}: a Skill lesson needs try_it: the slug of one of its module's activities"
                )
            text = lesson_text(lesson)
            problems += figure_problems(where, text)
            grade = fk_grade(text)
            if grade > MAX_GRADE:
                problems.append(f"{where}: Flesch-Kincaid grade {grade:.1f} (max {MAX_GRADE})")
            texts.append((where, text))
        activities = module.get("activities", [])
        if module["kind"] == "practice" and len(activities) < MIN_PRACTICE_ACTIVITIES:
            count = len(activities)
            problems.append(f"{module['slug']}: {count} activities, needs at least {MIN_PRACTICE_ACTIVITIES}")
        for activity in activities:
            texts.append((f"{module['slug']}/{activity['slug']}", activity_text(activity)))
            if not str(activity.get("model_answer", "")).strip():
                problems.append(
                    f"{module['slug']}/{activity['slug']}: needs a model_answer shown after submission"
                )
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
        quizzes.append((gift_path.name, questions))
        if len(questions) < MIN_QUESTIONS:
            problems.append(f"{gift_path.name}: {len(questions)} questions, needs at least {MIN_QUESTIONS}")
        problems += recall_problems(gift_path.name, questions)
        scenarios = sum(1 for q in questions if q.fields["name"].lower().startswith("scenario"))
        if questions and scenarios / len(questions) < MIN_SCENARIO_SHARE:
            problems.append(f"{gift_path.name}: {scenarios}/{len(questions)} scenario questions (needs 40%)")
        for q in questions:
            if q.outcome not in codes:
                named = f"names outcome {q.outcome!r}" if q.outcome else "names no outcome"
                problems.append(
                    f"{gift_path.name}:{q.line}: question {named}; add '// outcome: CODE' with one "
                    f"of the module's codes ({', '.join(codes) or 'none yet'})"
                )
            if not strip_tags(q.fields.get("general_feedback", "")).strip():
                problems.append(f"{gift_path.name}:{q.line}: question has no general feedback")
            texts.append((f"{gift_path.name}:{q.line}", strip_tags(str(q.fields))))
    skill_activities = {
        activity.get("type")
        for module in data.get("modules", [])
        if module["kind"] == "skill"
        for activity in module.get("activities", [])
    }
    if not skill_activities & SKILL_ACTIVITY_TYPES:
        problems.append(f"{folder.name}: needs a draft-a-post or metrics activity in a Skill module")
    problems += key_bias_problems(folder.name, quizzes)
    for where, text in texts:
        shared = copied_runs(text, fingerprint)
        if shared:
            problems.append(f"{where}: shares {ORIGINALITY_WORDS} words with the material: '{shared[0]}'")
    return problems


def course_folders(names=()):
    """The named course folders (all of them when none is named)."""
    return [COURSES_DIR / name for name in names] or [
        path.parent for path in sorted(COURSES_DIR.glob("*/course.yaml"))
    ]


def course_quizzes(folder):
    """(GIFT file name, parsed questions) for each quiz of a course that reads as GIFT."""
    folder = Path(folder)
    quizzes = []
    for module in load_course(folder).get("modules", []):
        gift = (module.get("quiz") or {}).get("gift")
        if gift:
            try:
                quizzes.append((gift, parse_gift((folder / gift).read_text(encoding="utf-8"))))
            except (GiftError, OSError):
                continue  # course_problems reports it
    return quizzes


def all_courses_problems(folders):
    """Answer-key bias over the named courses taken together (each course is checked alone by
    course_problems): a pattern can hold across a catalogue while each course stays in bounds."""
    quizzes = [
        (f"{Path(folder).name}/{name}", questions)
        for folder in folders
        for name, questions in course_quizzes(folder)
    ]
    return key_bias_problems("all courses", quizzes, each_question=False)


@dataclass
class KeyFacts:
    """Where the answer keys sit in one set of GIFT files (see `key_facts`)."""

    # Single-choice questions of 3 or more options, each as (file, value):
    positions: list  # the 1-based position of the correct option
    longest: list  # whether the correct option is strictly the longest
    true_false: list  # (file, key) per true/false question
    correct_first: list  # (file, line, name) per multiple-response question whose right options lead

    def summary(self):
        counts = Counter(position for _, position in self.positions)
        spread = "/".join(str(counts[p]) for p in range(1, max(counts, default=0) + 1)) or "-"
        trues = sum(key for _, key in self.true_false)
        longest = sum(is_longest for _, is_longest in self.longest)
        return (
            f"keys at options 1/2/3/...: {spread}; true/false: {trues} true, "
            f"{len(self.true_false) - trues} false; correct option longest: {longest} of "
            f"{len(self.longest)}; multiple response with right options first: {len(self.correct_first)}"
        )


def key_facts(quizzes):
    """KeyFacts for [(file name, parsed questions)]."""
    facts = KeyFacts([], [], [], [])
    for name, questions in quizzes:
        for question in questions:
            if question.model is TrueFalseQuestion:
                facts.true_false.append((name, question.fields["correct_answer"]))
                continue
            if question.model not in (SingleChoiceQuestion, MultipleResponseQuestion):
                continue
            options = [value for _, value in question.fields["options"]]
            right = [i for i, option in enumerate(options) if option["is_correct"]]
            if question.model is MultipleResponseQuestion:
                if len(right) < len(options) and right == list(range(len(right))):
                    facts.correct_first.append((name, question.line, question.fields["name"]))
                continue
            if len(options) >= 3:  # with two options, one of them holds half the keys or more
                (key,) = right
                facts.positions.append((name, key + 1))
                lengths = [len(option["text"]) for option in options]
                others = lengths[:key] + lengths[key + 1 :]
                facts.longest.append((name, lengths[key] > max(others)))
    return facts


def _by_file(pairs, wanted=lambda value: True):
    """'a.gift 3, b.gift 1': how many of the (file, value) pairs per file have a wanted value."""
    counts = Counter(name for name, value in pairs if wanted(value))
    totals = Counter(name for name, _ in pairs)
    return ", ".join(f"{name} {counts[name]}/{total}" for name, total in totals.items())


def key_bias_problems(label, quizzes, each_question=True):
    """Patterns in the answer keys of [(file name, parsed questions)] (one course's quizzes, or
    more) that would let a learner pass without reading: one option position holding too many of
    the single-choice keys, multiple-response questions that list their right options first,
    true/false keys that lean one way, and a correct option that is usually the longest.
    `each_question=False` leaves out the per-question findings (for a set already checked)."""
    facts = key_facts(quizzes)
    problems = []
    total = len(facts.positions)
    if total >= MIN_KEYS_TO_JUDGE:
        position, count = Counter(p for _, p in facts.positions).most_common(1)[0]
        if count / total > MAX_POSITION_SHARE:
            problems.append(
                f"{label}: option {position} is the correct one in {count} of {total} single-choice "
                f"questions with 3 or more options ({count / total:.0%}; at most "
                f"{MAX_POSITION_SHARE:.0%} at any position); "
                f"per file: {_by_file(facts.positions, lambda p: p == position)}"
            )
    for name, line, title in facts.correct_first if each_question else ():
        problems.append(
            f"{label}: {name}:{line} ({title}): the multiple-response options list every right "
            "answer first; mix them among the wrong ones"
        )
    total = len(facts.true_false)
    trues = sum(key for _, key in facts.true_false)
    low, high = TRUE_SHARE_RANGE
    if total >= MIN_TRUE_FALSE and not low <= trues / total <= high:
        problems.append(
            f"{label}: {trues} of {total} true/false keys are true ({trues / total:.0%}; keep between "
            f"{low:.0%} and {high:.0%}); true per file: {_by_file(facts.true_false, bool)}"
        )
    elif MIN_SAME_KEYS <= total < MIN_TRUE_FALSE and trues in (0, total):
        problems.append(
            f"{label}: all {total} true/false keys are {'true' if trues else 'false'}; make some "
            f"statements {'false' if trues else 'true'}; true per file: {_by_file(facts.true_false, bool)}"
        )
    total = len(facts.longest)
    longest = sum(is_longest for _, is_longest in facts.longest)
    if total >= MIN_KEYS_TO_JUDGE and longest / total > MAX_LONGEST_SHARE:
        problems.append(
            f"{label}: the correct option is the longest in {longest} of {total} single-choice "
            f"questions with 3 or more options ({longest / total:.0%}; at most {MAX_LONGEST_SHARE:.0%}); "
            f"per file: {_by_file(facts.longest, bool)}"
        )
    return problems
