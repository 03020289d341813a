"""Survey workflows: which completed course still waits for its survey, answering it (once per
completion), the results per course (an infographic's figures) and the rows of its exports."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from .models import CourseSurvey, Likert, SurveyAnswer, SurveyResponse


class AlreadyAnswered(Exception):
    """This completion of the course already has its survey response."""


def open_survey_for(enrolment):
    """The survey this enrolment may answer now: the course's open survey, once the course is
    complete, and not yet answered for this completion. None otherwise."""
    if enrolment is None or enrolment.completed_at is None:
        return None
    survey = CourseSurvey.objects.filter(course_id=enrolment.course_id, is_open=True).first()
    if survey is None or not survey.items.exists():
        return None
    if SurveyResponse.objects.filter(enrolment=enrolment, cycle=enrolment.cycle).exists():
        return None
    return survey


def surveys_waiting(enrolments):
    """The ids of the enrolments among these whose course survey waits for an answer (as
    `open_survey_for`), in 2 queries however many enrolments: for My learning."""
    completed = [e for e in enrolments if e.completed_at is not None]
    if not completed:
        return set()
    open_courses = set(
        CourseSurvey.objects.filter(course_id__in={e.course_id for e in completed}, is_open=True)
        .filter(items__isnull=False)
        .values_list("course_id", flat=True)
    )
    candidates = [e for e in completed if e.course_id in open_courses]
    if not candidates:
        return set()
    answered = set(
        SurveyResponse.objects.filter(enrolment__in=[e.pk for e in candidates]).values_list(
            "enrolment_id", "cycle"
        )
    )
    return {e.pk for e in candidates if (e.pk, e.cycle) not in answered}


def submit_survey(survey, enrolment, answers, comment=""):
    """Store a learner's answers ({SurveyItem id: Likert value}, unanswered ones left out) and
    comment, as typed. A second answer for the same completion raises AlreadyAnswered."""
    item_ids = set(survey.items.values_list("pk", flat=True))
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey, enrolment=enrolment, cycle=enrolment.cycle, comment=comment.strip()
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, item_id=item_id, value=value)
                for item_id, value in answers.items()
                if item_id in item_ids and value in Likert.values
            )
    except IntegrityError as error:
        raise AlreadyAnswered from error
    return response


@dataclass
class Share:
    label: str
    value: int
    count: int
    percent: int  # of the people who answered this statement, rounded


@dataclass
class ItemResult:
    statement: str
    answered: int
    shares: list = field(default_factory=list)

    @property
    def agree_percent(self):
        """Agree plus strongly agree, of those who answered."""
        return (
            round(100 * sum(s.count for s in self.shares if s.value >= Likert.AGREE) / self.answered)
            if self.answered
            else 0
        )


@dataclass
class SurveyResults:
    survey: CourseSurvey
    responses: int
    items: list
    comments: list  # (submitted_at, comment), newest first


def survey_results(survey):
    """Counts per statement and answer, the number of responses and the comments, in 4 queries."""
    counts = {
        (row["item_id"], row["value"]): row["n"]
        for row in SurveyAnswer.objects.filter(response__survey=survey)
        .values("item_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    }
    items = []
    for item in survey.items.all():
        answered = sum(counts.get((item.pk, value), 0) for value in Likert.values)
        shares = [
            Share(
                label,
                value,
                counts.get((item.pk, value), 0),
                round(100 * counts.get((item.pk, value), 0) / answered) if answered else 0,
            )
            for value, label in Likert.choices
        ]
        items.append(ItemResult(item.statement, answered, shares))
    responses = survey.responses.count()
    comments = list(
        survey.responses.exclude(comment="")
        .order_by("-submitted_at", "-pk")
        .values_list("submitted_at", "comment")
    )
    return SurveyResults(survey, responses, items, comments)


def survey_export(survey):
    """(header, rows) of a survey's responses, one row per response: when, each statement's
    answer (its words) and the comment. No names: results are read in aggregate. For the
    results page's CSV/XLSX download and for any report that includes survey results (cells are
    neutralised by lms.exports when written)."""
    items = list(survey.items.all())
    header = ["Submitted", *(item.statement for item in items), "Comment"]
    labels = dict(Likert.choices)
    responses = survey.responses.order_by("submitted_at", "pk").prefetch_related("answers")
    rows = []
    for response in responses:
        chosen = {answer.item_id: labels[answer.value] for answer in response.answers.all()}
        rows.append(
            [
                timezone.localtime(response.submitted_at).date().isoformat(),
                *(chosen.get(i.pk, "") for i in items),
                response.comment,
            ]
        )
    return header, rows
