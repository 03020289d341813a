"""Quiz statistics in the Wagtail admin, for trainers who can edit the quiz.

The URLs are registered by a `register_admin_urls` hook as `quizzes_admin:statistics` and
`quizzes_admin:statistics_csv`; the views only assume that the CSV link may be missing.
"""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from .models import QuizPage
from .statistics import ATTEMPT_CHOICES, quiz_statistics

CSV_HEADER = [
    "Position",
    "Question ID",
    "Question",
    "Type",
    "Responses",
    "Unanswered",
    "Facility index (%)",
    "Standard deviation (%)",
    "Discrimination index (%)",
]


def quiz_for_trainer(request, quiz_id):
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if not quiz.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return quiz


def chosen_attempts(request):
    attempts = request.GET.get("attempts", "all")
    return attempts if attempts in ATTEMPT_CHOICES else "all"


def optional_url(name, quiz, query=""):
    try:
        return reverse(name, args=[quiz.pk]) + query
    except NoReverseMatch:
        return None


def quiz_statistics_view(request, quiz_id):
    quiz = quiz_for_trainer(request, quiz_id)
    attempts = chosen_attempts(request)
    stats = quiz_statistics(quiz, attempts=attempts)
    title = f"Statistics: {quiz.title}"
    return TemplateResponse(
        request,
        "quizzes/admin/statistics.html",
        {
            "quiz": quiz,
            "stats": stats,
            "attempt_choices": list(ATTEMPT_CHOICES.items()),
            "csv_url": optional_url("quizzes_admin:statistics_csv", quiz, f"?attempts={attempts}"),
            "header_title": title,
            "page_title": title,
            "header_icon": "table",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Home"},
                {"url": optional_url("wagtailadmin_pages:edit", quiz), "label": quiz.title},
                {"url": None, "label": "Statistics"},
            ],
        },
    )


def csv_cell(value):
    """Numbers rounded to two places, nothing for None, and text that a spreadsheet won't run."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def quiz_statistics_csv(request, quiz_id):
    quiz = quiz_for_trainer(request, quiz_id)
    stats = quiz_statistics(quiz, attempts=chosen_attempts(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}-statistics.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for number, question in enumerate(stats.questions, start=1):
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    number,
                    question.question_id,
                    question.name,
                    question.type_label,
                    question.response_count,
                    question.unanswered,
                    question.facility,
                    question.sd,
                    question.discrimination,
                )
            ]
        )
    return response
