"""Course feedback surveys.

A CourseSurvey belongs to one course (*Training > Course surveys* in the admin, where trainers
edit its statements); each statement (SurveyItem) is answered on a five-point Likert scale, and the
learner may add a comment. A SurveyResponse is one learner's answers for one completion of the
course (one per enrolment cycle); answering is optional, item by item too.
"""

from django import forms
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class Likert(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEUTRAL = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


class CourseSurvey(ClusterableModel):
    """The feedback survey at the end of one course (*Training > Course surveys*): an intro, the
    statements (SurveyItem, edited inline) and the comment question. Learners who complete the
    course are invited to answer it from the course page and My learning."""

    course = models.OneToOneField("courses.CoursePage", on_delete=models.CASCADE, related_name="survey")
    intro = models.TextField(
        blank=True,
        default="Tell us what you thought of this course. Every question is optional, and your answers "
        "help us improve it.",
    )
    comment_prompt = models.CharField(
        max_length=200, default="Anything else you would like to tell us about this course?"
    )
    is_open = models.BooleanField(default=True, help_text="Untick to stop inviting learners to answer.")
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("course", widget=forms.Select),  # a plain list of courses (no page-chooser script)
        FieldPanel("intro"),
        InlinePanel(
            "items",
            label="Statements",
            help_text="Learners answer each from Strongly disagree to Strongly agree.",
        ),
        FieldPanel("comment_prompt"),
        FieldPanel("is_open"),
    ]

    def __str__(self):
        return f"Survey: {self.course.title}"


class SurveyItem(Orderable):
    """One Likert statement of a survey (the inline *Statements* of a CourseSurvey)."""

    survey = ParentalKey(CourseSurvey, on_delete=models.CASCADE, related_name="items")
    statement = models.CharField(max_length=300)

    panels = [FieldPanel("statement")]

    def __str__(self):
        return self.statement


class SurveyResponse(models.Model):
    """One learner's answers to a course survey, for one completion (enrolment cycle); shown only
    in aggregate on the results page and in its exports. The comment is stored as typed."""

    survey = models.ForeignKey(CourseSurvey, on_delete=models.CASCADE, related_name="responses")
    enrolment = models.ForeignKey(
        "courses.Enrolment", on_delete=models.CASCADE, related_name="survey_responses"
    )
    cycle = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=4000)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "cycle"], name="one_survey_response_per_completion")
        ]

    def __str__(self):
        return f"Survey response by {self.enrolment.user} ({self.submitted_at:%Y-%m-%d})"


class SurveyAnswer(models.Model):
    """One Likert answer in a SurveyResponse (a statement left unanswered has no row)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(choices=Likert.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_statement")]

    def __str__(self):
        return f"{self.item}: {self.get_value_display()}"
