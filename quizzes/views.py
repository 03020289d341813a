"""Learner views for quizzes: start an attempt, answer (with autosave), submit, see the result.

Every view goes through the courses access gate for the quiz (live, page privacy, enrolment,
module lock), and an attempt is found only among the learner's own: anyone else's attempt gives
the same 404 as one that does not exist.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from courses.access import AccessRefused, open_course_item
from courses.views import course_item_view, refusal_response

from . import services
from .forms import AttemptForm
from .models import Attempt, QuizPage

# The page's countdown may reach zero a few seconds before the server's clock does (the page
# counts from when it loaded); a "time is up" submit this close to the deadline is honoured.
TIME_UP_SLACK_SECONDS = 10


def quiz_page_context(page, request):
    """The learner's attempts at a quiz they may open (a courses.page_context provider)."""
    access = getattr(request, "course_access", None)
    if access is None or access.page.pk != page.pk:
        return {}
    return {"status": services.quiz_status(request.user, page, access.enrolment)}


def page_context(attempt, access, **extra):
    return {**access.context, "attempt": attempt, "quiz": attempt.quiz, "page": attempt.quiz, **extra}


def with_own_attempt(check_lock=True):
    """Call the view with the learner's own attempt and the gate's CourseAccess for its quiz, or
    answer the gate's refusal. Another learner's attempt is the same 404 as a missing one."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, attempt_id):
            attempt = Attempt.objects.select_related("quiz").filter(pk=attempt_id, user=request.user).first()
            if attempt is None:
                raise Http404("No such attempt.")
            try:
                access = open_course_item(request, attempt.quiz, check_lock=check_lock)
            except AccessRefused as refusal:
                return refusal_response(request, refusal)
            return view(request, attempt, access)

        return wrapped

    return decorator


@require_POST
@login_required
@course_item_view(QuizPage)
def start_attempt_view(request, access):
    quiz = access.page
    try:
        attempt = services.start_attempt(request.user, quiz)
    except services.QuizUnavailable as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
@with_own_attempt()
def attempt_view(request, attempt, access):
    if not attempt.is_submitted and services.close_if_expired(attempt):
        messages.warning(
            request, "Time ran out, so your attempt was submitted with the answers saved in time."
        )
        return redirect("quizzes:result", attempt_id=attempt.pk)
    if attempt.is_submitted:
        messages.info(
            request,
            "This attempt has already been submitted, so it was marked only once. Here is your result.",
        )
        return redirect("quizzes:result", attempt_id=attempt.pk)
    form = AttemptForm(attempt, request.POST or None)
    if request.method == "POST":
        if request.POST.get("time_up") and services.seconds_left(attempt) <= TIME_UP_SLACK_SECONDS:
            # The page's countdown reached zero: mark what was answered, complete or not.
            services.submit_attempt(attempt, form.partial_answers())
            messages.warning(request, "Time ran out, so your answers were submitted.")
            return redirect("quizzes:result", attempt_id=attempt.pk)
        if form.is_valid():
            result = services.submit_attempt(attempt, form.answers())
            if result.already_submitted:
                messages.info(request, "This attempt had already been submitted, so it was marked only once.")
            elif result.late:
                messages.warning(
                    request, "Time ran out before you submitted; the answers saved in time were marked."
                )
            return redirect("quizzes:result", attempt_id=attempt.pk)
        # Keep every answer the learner gave, even though the attempt is not complete yet.
        services.save_answers(attempt, form.partial_answers())
    return render(
        request,
        "quizzes/attempt.html",
        page_context(
            attempt,
            access,
            form=form,
            seconds_left=services.seconds_left(attempt),
            can_ask_for_more_time=services.can_ask_for_more_time(attempt),
        ),
    )


@require_POST
@login_required
@with_own_attempt()
def more_time_view(request, attempt, access):
    """The learner asks for the quiz's more time (the attempt form's answers come along and are
    saved first, so nothing typed is lost on the way)."""
    if not attempt.is_submitted and services.close_if_expired(attempt):
        return redirect("quizzes:result", attempt_id=attempt.pk)
    if attempt.is_submitted:
        return redirect("quizzes:result", attempt_id=attempt.pk)
    services.save_answers(attempt, AttemptForm(attempt, request.POST).partial_answers())
    try:
        minutes = services.add_more_time(attempt)
    except services.QuizUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You have {minutes} more minutes.")
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@require_POST
@login_required
@with_own_attempt()
def autosave_view(request, attempt, access):
    """Save answers as they change. The reply says only whether they were saved: never a mark."""
    if not attempt.is_submitted and services.close_if_expired(attempt):
        attempt.refresh_from_db()
    if attempt.is_submitted:
        return JsonResponse(
            {
                "saved": False,
                "closed": True,
                "message": "This attempt has been submitted.",
                "result_url": reverse("quizzes:result", args=[attempt.pk]),
            },
            status=409,
        )
    answers = AttemptForm(attempt, request.POST).partial_answers()
    saved = services.save_answers(attempt, answers)
    return JsonResponse(
        {
            "saved": saved,
            "saved_at": attempt.saved_at.isoformat() if attempt.saved_at else None,
            "answered": len(attempt.answers),
            "seconds_left": services.seconds_left(attempt),
        }
    )


# How a marked question reads on the result page: a class for its style, the icon and its text.
OUTCOMES = {
    "correct": ("✓", "Correct"),
    "partial": ("◐", "Partly correct"),
    "incorrect": ("✗", "Incorrect"),
}


def outcome_of(fraction):
    return "correct" if fraction >= 1 else "partial" if fraction > 0 else "incorrect"


def result_rows(attempt, review):
    """One row per question of a submitted attempt: the learner's answer always; the outcome, the
    marks, the right answer and the feedback only when the review policy shows answers."""
    marks = {}
    if review.answers:
        marks = {
            position: (fraction, mark, max_mark)
            for position, fraction, mark, max_mark in attempt.responses.values_list(
                "position", "fraction", "mark", "max_mark"
            )
        }
    rows = []
    for position, question in enumerate(attempt.questions):
        answer = attempt.answers.get(str(question.pk))
        row = {"question": question, "answer_display": question.answer_display(answer) if answer else ""}
        if review.answers:
            fraction, mark, max_mark = marks.get(position, (0.0, 0, question.default_mark))
            outcome = outcome_of(fraction)
            icon, label = OUTCOMES[outcome]
            row.update(
                fraction=fraction,
                outcome=outcome,
                icon=icon,
                outcome_label=label,
                mark=mark,
                max_mark=max_mark,
                feedback=question.feedback_for(answer) if answer else [],
                correct_answer=question.correct_answer_display(),
            )
        rows.append(row)
    return rows


@never_cache
@login_required
@with_own_attempt(check_lock=False)
def result_view(request, attempt, access):
    if not attempt.is_submitted:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    status = services.quiz_status(request.user, attempt.quiz, access.enrolment)
    review = status.review(attempt)
    rows = result_rows(attempt, review)
    marked = [row for row in rows if "mark" in row]
    totals = (
        {"marks": sum(row["mark"] for row in marked), "max_marks": sum(row["max_mark"] for row in marked)}
        if review.answers
        else {}
    )
    counts = {outcome: sum(1 for row in marked if row["outcome"] == outcome) for outcome in OUTCOMES}
    return render(
        request,
        "quizzes/result.html",
        page_context(attempt, access, rows=rows, review=review, status=status, totals=totals, counts=counts),
    )
