"""Turn the course source files under content/courses/ into Wagtail pages and quizzes.

Idempotent: a page whose source is unchanged is skipped, a changed source updates its page, and
a page a trainer has edited in the Wagtail admin since it was loaded is left alone (and reported).
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import markdown
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from courses.factories import add_child
from courses.models import CourseIndexPage, CoursePage, LearningOutcome, LessonPage, ModulePage
from practice.models import DraftPostPage, MetricsExercisePage, Platform, ReflectionPage, ScenarioPage
from quizzes.gift import GiftError, import_gift
from quizzes.models import QuestionCategory, QuizPage, QuizQuestion, SingleChoiceQuestion
from surveys.models import CourseSurvey, SurveyItem

from .models import LoadedPage

COURSES_DIR = Path(__file__).resolve().parent / "courses"

# What a shipped quiz gets unless its entry in course.yaml says otherwise (content/README.md).
# Options come in a new order for each attempt, so an answer key learned by position is useless;
# three attempts, ten minutes apart after a fail, leave room to revisit a lesson and try again but
# not to work out the key by trial; the right answers are shown once a learner passes or has no
# attempts left, and general feedback (which often explains the answer) only with them.
QUIZ_DEFAULTS = {
    "shuffle_options": True,
    "attempts_allowed": 3,
    "retry_delay_minutes": 10,
    "review_correct_answers": QuizPage.Review.AFTER_PASS_OR_LAST.value,
    "show_general_feedback": False,
}
SMALL_INT_MAX = 32767  # PositiveSmallIntegerField
# Settings a quiz entry may give that the shipped courses leave at the model's defaults (a course
# package carries them, content/package.py); a quiz without them loads exactly as before.
QUIZ_OPTIONAL = {
    "grading_method": QuizPage.GradingMethod.values,
    "time_limit_minutes": int,
    "more_time_minutes": int,
    "shuffle_questions": bool,
    "required": bool,
}
QUIZ_KEYS = {
    "slug",
    "title",
    "pass_mark",
    "intro",
    "gift",
    "questions",
    "random",
    "marks",
    *QUIZ_DEFAULTS,
    *QUIZ_OPTIONAL,
}


class ContentError(Exception):
    """A source file is malformed; the message names the file and the problem."""


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept_edited: list = field(default_factory=list)
    questions_created: int = 0

    @property
    def changed(self):
        return bool(self.created or self.updated or self.questions_created)


def md(text):
    return markdown.markdown(text or "", extensions=["extra", "sane_lists"])


def digest(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def quiz_settings(quiz_data, source):
    """The quiz's settings: QUIZ_DEFAULTS, with any the quiz's entry in course.yaml sets itself."""
    unknown = sorted(set(quiz_data) - QUIZ_KEYS)
    if unknown:  # a misspelt setting would otherwise be ignored without a word
        raise ContentError(
            f"{source}: unknown quiz setting {unknown[0]!r} (known: {', '.join(sorted(QUIZ_KEYS))})."
        )
    settings = {}
    for key, default in QUIZ_DEFAULTS.items():
        value = quiz_data.get(key, default)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ContentError(f"{source}: {key} must be true or false, not {value!r}.")
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SMALL_INT_MAX:
                raise ContentError(f"{source}: {key} must be a whole number from 0 up, not {value!r}.")
        elif value not in QuizPage.Review.values:
            raise ContentError(
                f"{source}: {key} must be one of {', '.join(QuizPage.Review.values)}, not {value!r}."
            )
        settings[key] = value
    for key, kind in QUIZ_OPTIONAL.items():
        if key not in quiz_data:
            continue
        value = quiz_data[key]
        if kind is bool and not isinstance(value, bool):
            raise ContentError(f"{source}: {key} must be true or false, not {value!r}.")
        if kind is int and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SMALL_INT_MAX
        ):
            raise ContentError(f"{source}: {key} must be a whole number from 0 up, not {value!r}.")
        if isinstance(kind, list) and value not in kind:
            raise ContentError(f"{source}: {key} must be one of {', '.join(kind)}, not {value!r}.")
        settings[key] = value
    return settings


# Body blocks a course package may hold as Wagtail's own JSON (`block: {type, value}`): those the
# YAML shapes above cannot hold exactly (a table without header cells, say). Never a block that
# points at an image or document: those go through `media`, which gives them their new ids.
RAW_BLOCK_TYPES = {"text", "callout", "case_study", "exercise", "table", "key_takeaways"}


def lesson_body(blocks, source, media=None):
    """YAML body blocks -> StreamField data.

    `media(kind, path, source)` turns a course package's file path into its new Image ("image") or
    Document ("document"); without it (the shipped courses) image and video blocks are refused."""
    body = []
    for number, block in enumerate(blocks or [], start=1):
        if not isinstance(block, dict) or len(block) != 1:
            raise ContentError(f"{source}: body block {number} must be a single 'type: value' entry.")
        ((kind, value),) = block.items()
        if kind == "text":
            body.append(("text", md(value)))
        elif kind == "callout":
            body.append(
                (
                    "callout",
                    {
                        "tone": value.get("tone", "info"),
                        "heading": value["heading"],
                        "text": md(value["text"]),
                    },
                )
            )
        elif kind == "case_study":
            body.append(
                (
                    "case_study",
                    {
                        "title": value["title"],
                        "situation": md(value["situation"]),
                        "what_happened": md(value.get("what_happened", "")),
                        "lesson": md(value["lesson"]),
                    },
                )
            )
        elif kind == "exercise":
            body.append(
                (
                    "exercise",
                    {
                        "title": value["title"],
                        "minutes": value.get("minutes"),
                        "instructions": md(value["instructions"]),
                        "success": md(value.get("success", "")),
                    },
                )
            )
        elif kind == "table":
            body.append(("table", table_data(value, f"{source}: table (block {number})")))
        elif kind == "key_takeaways":
            body.append(("key_takeaways", {"points": list(value)}))
        elif kind in ("image", "video") and media is None:
            raise ContentError(f"{source}: {kind} blocks (block {number}) load only from a course package.")
        elif kind == "image":
            body.append(("image", image_data(value, media, f"{source}: image (block {number})")))
        elif kind == "video":
            body.append(("video", video_data(value, media, f"{source}: video (block {number})")))
        elif kind == "block":
            if not isinstance(value, dict) or value.get("type") not in RAW_BLOCK_TYPES:
                raise ContentError(
                    f"{source}: block {number} needs a type, one of {', '.join(sorted(RAW_BLOCK_TYPES))}."
                )
            body.append((value["type"], value.get("value")))
        else:
            raise ContentError(f"{source}: unknown body block type '{kind}' (block {number}).")
    return body


def table_data(value, source):
    """A YAML table ({caption, header: [...], rows: [[...], ...]}) -> Wagtail TableBlock data, its
    first row and first column marked as headers (th scope="col" and scope="row")."""
    if not isinstance(value, dict) or not value.get("caption") or not value.get("header"):
        raise ContentError(f"{source} needs a caption, a header row and rows.")
    header = [str(cell) for cell in value["header"]]
    rows = value.get("rows") or []
    if not rows or any(not isinstance(row, list) or len(row) != len(header) for row in rows):
        raise ContentError(f"{source}: every row needs {len(header)} cells, one per header cell.")
    return {
        "table_caption": str(value["caption"]),
        "first_row_is_table_header": True,
        "first_col_is_header": True,
        "table_header_choice": "both",
        "data": [header] + [[str(cell) for cell in row] for row in rows],
    }


def image_data(value, media, source):
    if not isinstance(value, dict) or not value.get("file"):
        raise ContentError(f"{source} needs a file.")
    return {
        "image": media("image", value["file"], source),
        "alt_text": str(value.get("alt_text") or ""),
        "decorative": bool(value.get("decorative", False)),
        "caption": str(value.get("caption") or ""),
    }


def video_data(value, media, source):
    if not isinstance(value, dict) or not value.get("title"):
        raise ContentError(f"{source} needs a title.")
    captions = []
    for number, track in enumerate(value.get("captions") or [], start=1):
        if not isinstance(track, dict) or not track.get("file"):
            raise ContentError(f"{source}: caption track {number} needs a file.")
        captions.append(
            {
                "file": media("document", track["file"], source),
                "kind": track.get("kind", "captions"),
                "srclang": track.get("srclang", "en"),
                "label": track.get("label", "English"),
            }
        )
    return {
        "title": str(value["title"]),
        "file": media("document", value["file"], source) if value.get("file") else None,
        "captions": captions,
        "video": value.get("url") or None,
        "transcript": md(value.get("transcript", "")),
    }


TRY_IT = "Try it: "


def with_try_it(body, module, activities, slug, source):
    """The lesson body with a "Try it" callout before its key takeaways: the module activity
    (`try_it: its slug` in the lesson) that practises what the lesson taught, with a link to it."""
    activity = activities.get(slug)
    if activity is None:
        known = ", ".join(str(name) for name in activities) or "none"
        raise ContentError(f"{source}: try_it names '{slug}', not one of the module's activities ({known}).")
    title = str(activity.get("title", slug)).removeprefix(TRY_IT)
    minutes = activity.get("minutes", 15)
    text = f"{activity.get('summary', '')} It takes about {minutes} minutes."
    if module.url:
        text += f" [Open the activity: {title}]({module.url}{slug}/)"
    callout = ("callout", {"tone": "tip", "heading": f"{TRY_IT}{title}"[:120], "text": md(text)})
    return [*body[:-1], callout, *body[-1:]] if body else [callout]


ACTIVITY_TYPES = {
    "draft_post": DraftPostPage,
    "scenario": ScenarioPage,
    "reflection": ReflectionPage,
    "metrics": MetricsExercisePage,
}


def rubric_data(rubric, source):
    return [
        (
            "criterion",
            {
                "criterion": item["criterion"],
                "levels": [
                    {
                        "label": level["label"],
                        "points": level["points"],
                        "description": level.get("description", ""),
                    }
                    for level in item["levels"]
                ],
            },
        )
        for item in rubric or []
    ]


def activity_fields(data, source, media=None):
    """A module's `activities:` entry (content/README.md) -> (page model, its fields)."""
    model = ACTIVITY_TYPES.get(data.get("type"))
    if model is None:
        raise ContentError(
            f"{source}: type must be one of {', '.join(ACTIVITY_TYPES)}, not {data.get('type')!r}."
        )
    if data.get("review", "trainer") not in ("trainer", "automatic"):
        raise ContentError(f"{source}: review must be trainer or automatic.")
    fields = {
        "title": data["title"],
        "slug": data["slug"],
        "summary": data.get("summary", ""),
        "estimated_minutes": data.get("minutes", 15),
        # `intro` for one text block; a course package gives the whole `body` when there is more
        "body": lesson_body(data["body"], source, media) if "body" in data else [("text", md(data["intro"]))],
        "task_prompt": md(data["prompt"]),
        "requires_approval": data.get("review", "trainer") == "trainer",
        "model_answer": md(data.get("model_answer", "")),
        "rubric": rubric_data(data.get("rubric"), source),
        "allow_attachment": bool(data.get("allow_attachment", False)),
    }
    if "required" in data:
        fields["required"] = bool(data["required"])
    if model is DraftPostPage:
        platform = Platform.objects.filter(name=data["platform"]).first()
        if platform is None:
            raise ContentError(f"{source}: no platform named {data['platform']!r}.")
        fields.update(
            platform_id=platform.pk,
            require_link=bool(data.get("require_link", False)),
            words_to_avoid="\n".join(data.get("words_to_avoid", [])),
            max_reading_grade=data.get("max_reading_grade", 9),
        )
    elif model is ReflectionPage:
        fields["min_words"] = data.get("min_words", 80)
    elif model is MetricsExercisePage:
        fields.update(
            figures=[("figure", dict(figure)) for figure in data["figures"]],
            questions=[
                (
                    "question",
                    {
                        "label": q["label"],
                        "formula": q["formula"],
                        "tolerance": str(q.get("tolerance", 0.1)),
                        "unit": q.get("unit", ""),
                        "explanation": q.get("explanation", ""),
                    },
                )
                for q in data["questions"]
            ],
            randomise_percent=data.get("randomise_percent", 0),
        )
    elif model is ScenarioPage:
        fields["steps"] = [
            (
                "step",
                {
                    "name": step["name"],
                    "comments": [dict(comment) for comment in step["comments"]],
                    "question": step.get("question", "How do you reply?"),
                    "choices": [
                        {
                            "reply": choice["reply"],
                            "consequence": choice["consequence"],
                            "next_step": choice.get("next", ""),
                            "outcome": choice.get("outcome", "fail"),
                        }
                        for choice in step["choices"]
                    ],
                },
            )
            for step in data["steps"]
        ]
    try:
        model(**fields).check_activity()
    except ValidationError as error:
        raise ContentError(f"{source}: {'; '.join(error.messages)}") from error
    return model, fields


# Course and lesson fields a course.yaml may give beyond those the shipped courses use, each with
# the type it must have (a course package carries them); left out, the page keeps its defaults.
COURSE_OPTIONAL = {"sequential_modules": bool, "renewal_months": int, "cpd_hours": str}
LESSON_OPTIONAL = {"required": bool, "allow_attachment": bool}


def optional_fields(data, known, source):
    """The fields of `known` ({name: type}) that `data` gives, checked against their types."""
    fields = {}
    for name, kind in known.items():
        if name not in data:
            continue
        value = data[name]
        if kind is str:
            value = str(value)
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ContentError(f"{source}: {name} must be {'true or false' if kind is bool else 'a number'}.")
        fields[name] = value
    return fields


def practice_task_fields(data, source):
    """A lesson that is a practice task (`review: trainer`, a `prompt`, optional `model_answer` and
    `rubric`), as a course package writes it; {} for a plain lesson."""
    if "review" not in data:
        return {}
    if data["review"] != "trainer":
        raise ContentError(f"{source}: a lesson's review can only be trainer.")
    return {
        "requires_approval": True,
        "task_prompt": md(data.get("prompt", "")),
        "model_answer": md(data.get("model_answer", "")),
        "rubric": rubric_data(data.get("rubric"), source),
    }


class CourseLoader:
    # Turns a course package's file paths into Images and Documents (lesson_body); None here.
    media = None

    def __init__(self, courses_dir=COURSES_DIR):
        self.courses_dir = Path(courses_dir)
        self.report = LoadReport()

    def load_all(self):
        files = sorted(self.courses_dir.glob("*/course.yaml"))
        if not files:
            raise ContentError(f"No course.yaml files under {self.courses_dir}.")
        catalogue = CourseIndexPage.objects.first()
        if catalogue is None:
            raise ContentError("There is no course catalogue page; run `manage.py migrate` first.")
        for path in files:
            try:
                with transaction.atomic():  # one course at a time: a bad file leaves nothing half-loaded
                    self.load_course(catalogue, path)
            except KeyError as error:
                raise ContentError(f"{path}: a required field is missing: {error}") from error
        return self.report

    def read(self, path):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ContentError(f"{path}: not valid YAML: {error}") from error
        if not isinstance(data, dict):
            raise ContentError(f"{path}: expected a mapping at the top level.")
        return data

    def load_course(self, catalogue, path):
        data = self.read(path)
        source = str(path.relative_to(self.courses_dir.parent))
        course = self.sync_page(
            catalogue,
            CoursePage,
            source,
            {
                "title": data["title"],
                "slug": data["slug"],
                "summary": data["summary"],
                "audience": data.get("audience", CoursePage.Audience.EVERYONE),
                "estimated_minutes": data.get("estimated_minutes", 60),
                "description": md(data.get("description", "")),
                "learning_outcomes": [("outcome", text) for text in data.get("learning_outcomes", [])],
                **optional_fields(data, COURSE_OPTIONAL, source),
            },
        )
        for m_index, module_data in enumerate(data.get("modules", []), start=1):
            module_source = f"{source}#modules[{m_index}]"
            module = self.sync_page(
                course,
                ModulePage,
                module_source,
                {
                    "title": module_data["title"],
                    "slug": module_data["slug"],
                    "kind": module_data["kind"],
                    "summary": module_data.get("summary", ""),
                },
            )
            self.sync_outcomes(module, module_data.get("outcomes") or [], f"{module_source}.outcomes")
            activities = {activity.get("slug"): activity for activity in module_data.get("activities", [])}
            for l_index, lesson in enumerate(module_data.get("lessons", []), start=1):
                lesson_source = f"{module_source}.lessons[{l_index}]"
                body = lesson_body(lesson.get("body"), lesson_source, self.media)
                if lesson.get("try_it"):
                    body = with_try_it(body, module, activities, lesson["try_it"], lesson_source)
                self.sync_page(
                    module,
                    LessonPage,
                    lesson_source,
                    {
                        "title": lesson["title"],
                        "slug": lesson["slug"],
                        "summary": lesson.get("summary", ""),
                        "estimated_minutes": lesson.get("minutes", 10),
                        "body": body,
                        **optional_fields(lesson, LESSON_OPTIONAL, lesson_source),
                        **practice_task_fields(lesson, lesson_source),
                    },
                )
            for a_index, activity in enumerate(module_data.get("activities", []), start=1):
                activity_source = f"{module_source}.activities[{a_index}]"
                model, fields = activity_fields(activity, activity_source, self.media)
                self.sync_page(module, model, activity_source, fields)
            quizzes = [(f"{module_source}.quiz", module_data["quiz"])] if module_data.get("quiz") else []
            # A module with several quizzes (a course package writes them) lists them under `quizzes:`.
            quizzes += [
                (f"{module_source}.quizzes[{number}]", quiz)
                for number, quiz in enumerate(module_data.get("quizzes") or [], start=1)
            ]
            for quiz_source, quiz_data in quizzes:
                self.sync_quiz(module, quiz_data, quiz_source, data["title"], path.parent)
        if data.get("survey"):
            self.sync_survey(course, data["survey"], f"{source}#survey")

    def sync_outcomes(self, module, outcomes, source):
        """The module's learning outcomes ({code, text} each), in the file's order; outcomes the
        file no longer lists are removed (their questions keep no outcome)."""
        codes = []
        for number, outcome in enumerate(outcomes, start=1):
            if not isinstance(outcome, dict) or not outcome.get("code") or not outcome.get("text"):
                raise ContentError(f"{source}[{number}]: an outcome needs a code and a text.")
            code, text = str(outcome["code"]), str(outcome["text"])
            if code in codes:
                raise ContentError(f"{source}[{number}]: the code {code} is used twice.")
            codes.append(code)
            current = LearningOutcome.objects.filter(module=module, code=code).first()
            if current is None:
                LearningOutcome.objects.create(module=module, code=code, text=text, sort_order=number)
            elif (current.text, current.sort_order) != (text, number):
                current.text, current.sort_order = text, number
                current.save(update_fields=["text", "sort_order"])
        LearningOutcome.objects.filter(module=module).exclude(code__in=codes).delete()

    def link_outcomes(self, module, questions, codes, path):
        """Point each question at the module outcome its GIFT comment names (``// outcome: K1``),
        unless it already has an outcome (a trainer may have chosen another since)."""
        outcomes = {outcome.code: outcome for outcome in LearningOutcome.objects.filter(module=module)}
        for question, code in zip(questions, codes, strict=True):
            if not code:
                continue
            if code not in outcomes:
                known = ", ".join(outcomes) or "none"
                raise ContentError(
                    f"{path}: '{question.name}' names outcome {code}, not one of the module's ({known})."
                )
            if question.outcome_id is None:
                question.outcome = outcomes[code]
                question.save(update_fields=["outcome"])

    def sync_quiz(self, module, quiz_data, source, course_title, folder):
        category_name = f"{course_title}: {quiz_data['title']}"[:200]
        if quiz_data.get("gift"):
            path = folder / quiz_data["gift"]
            result = self.sync_gift(category_name, path)
            questions = result.questions
            self.link_outcomes(module, questions, result.outcomes, path)
        else:
            category, _ = QuestionCategory.objects.get_or_create(name=category_name)
            questions = [
                self.sync_question(category, q, f"{source}.questions[{n}]")
                for n, q in enumerate(quiz_data.get("questions", []), start=1)
            ]
        fields = {
            "title": quiz_data["title"],
            "slug": quiz_data["slug"],
            "pass_mark": quiz_data.get("pass_mark", 80),
            "intro": md(quiz_data.get("intro", "")),
            **quiz_settings(quiz_data, source),
        }
        self.set_marks(questions, quiz_data.get("marks") or {}, source)
        if quiz_data.get("random"):
            fields.update(self.random_draw(module, quiz_data, f"{source}.random", course_title, folder))
        self.sync_page(module, QuizPage, source, {**fields, "question_ids": [q.pk for q in questions]})

    def set_marks(self, questions, marks, source):
        """`marks: {question name: mark}` for questions worth other than 1 (GIFT has no marks)."""
        by_name = {question.name: question for question in questions}
        for name, mark in marks.items():
            if name not in by_name:
                raise ContentError(f"{source}.marks: no question named {name!r} in the quiz.")
            question = by_name[name]
            try:
                value = Decimal(str(mark))
            except ArithmeticError as error:
                raise ContentError(f"{source}.marks: {name!r} needs a number, not {mark!r}.") from error
            if question.default_mark != value:
                question.default_mark = value
                question.save(update_fields=["default_mark"])

    def random_draw(self, module, quiz_data, source, course_title, folder):
        """`random: {count, gift}`: a quiz's random draw, from the questions of a GIFT file beside
        course.yaml, in a category of their own."""
        draw = quiz_data["random"]
        if not isinstance(draw, dict) or not draw.get("gift") or not isinstance(draw.get("count"), int):
            raise ContentError(f"{source}: a random draw needs a count and a gift file.")
        path = folder / draw["gift"]
        result = self.sync_gift(f"{course_title}: {quiz_data['title']} (random draw)"[:200], path)
        self.link_outcomes(module, result.questions, result.outcomes, path)
        category = result.questions[0].category
        return {"random_category_id": category.pk, "random_count": draw["count"]}

    def sync_gift(self, category_name, path):
        """Questions from a GIFT file, imported as every GIFT file is (quizzes.gift.import_gift).

        A question already in the bank (same category and name) is kept, not created again: loading
        twice changes nothing, and a quiz's questions keep their identity (and their attempts).
        """
        try:
            result = import_gift(path.read_text(encoding="utf-8"), category_name, keep_existing=True)
        except FileNotFoundError as error:
            raise ContentError(f"{path}: file not found") from error
        except (GiftError, ValueError) as error:
            raise ContentError(f"{path}: {error}") from error
        self.report.questions_created += len(result.created)
        return result

    def sync_question(self, category, data, source):
        question = SingleChoiceQuestion.objects.filter(category=category, name=data["name"]).first()
        if question:
            return question
        options = data.get("options") or []
        if sum(1 for option in options if option.get("correct")) != 1:
            raise ContentError(f"{source}: a single-choice question needs exactly one correct option.")
        self.report.questions_created += 1
        return SingleChoiceQuestion.objects.create(
            category=category,
            name=data["name"],
            text=md(data["text"]),
            general_feedback=md(data.get("feedback", "")),
            options=[
                (
                    "option",
                    {
                        "text": o["text"],
                        "is_correct": bool(o.get("correct")),
                        "feedback": o.get("feedback", ""),
                    },
                )
                for o in options
            ],
        )

    def sync_survey(self, course, survey_data, source):
        """The course's default feedback survey, made once: after that it is the trainers' (they
        edit it under *Course surveys*), so a survey that exists is left alone."""
        if CourseSurvey.objects.filter(course=course).exists():
            self.report.unchanged.append(source)
            return
        statements = survey_data.get("statements") or []
        if not statements or not all(isinstance(text, str) and text.strip() for text in statements):
            raise ContentError(f"{source}: a survey needs a list of statements.")
        fields = {key: survey_data[key] for key in ("intro", "comment_prompt") if survey_data.get(key)}
        survey = CourseSurvey(course=course, **fields)
        survey.items = [SurveyItem(statement=text.strip(), sort_order=n) for n, text in enumerate(statements)]
        survey.save()
        self.report.created.append(source)

    def sync_page(self, parent, model, source, fields):
        """Create, update or skip one page, recording what was loaded."""
        data_digest = digest(fields)
        fields = dict(fields)
        question_ids = fields.pop("question_ids", None)
        page = model.objects.child_of(parent).filter(slug=fields["slug"]).first()
        loaded = LoadedPage.objects.filter(page_id=page.pk).first() if page else None
        if page and loaded and loaded.digest == data_digest:
            self.report.unchanged.append(source)
            return page
        if page and (loaded is None or page.latest_revision_id != loaded.revision_id):
            # Edited in the admin since we loaded it (or never ours): the trainer's version wins.
            self.report.kept_edited.append(f"{source} ({page.title})")
            return page
        created = page is None
        if created:
            page = model(**fields)
        else:
            for name, value in fields.items():
                setattr(page, name, value)
        if question_ids is not None:
            page.quiz_questions.set(
                [QuizQuestion(question_id=pk, sort_order=n) for n, pk in enumerate(question_ids)]
            )
        if created:
            # Published at once with its revision, history and index rows, as the admin's first
            # Publish leaves them, in a third of the queries of Wagtail's add, save and publish.
            revision_id = add_child(parent, page).live_revision_id
        else:
            revision = page.save_revision()
            revision.publish()
            revision_id = revision.pk
        LoadedPage.objects.update_or_create(
            page_id=page.pk, defaults={"source": source, "digest": data_digest, "revision_id": revision_id}
        )
        (self.report.created if created else self.report.updated).append(source)
        return model.objects.get(pk=page.pk)
