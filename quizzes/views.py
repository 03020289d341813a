from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from courses.services import get_enrolment, item_context

from . import services
from .forms import AttemptForm
from .models import Attempt, QuizPage


def own_attempt(request, attempt_id):
    """The attempt if it belongs to this learner; 404 otherwise (never reveal that it exists)."""
    attempt = Attempt.objects.select_related("quiz").filter(pk=attempt_id, user=request.user).first()
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def page_context(request, attempt, **extra):
    context = {"attempt": attempt, "quiz": attempt.quiz, "page": attempt.quiz, **extra}
    enrolment = get_enrolment(request.user, attempt.quiz.course)
    if enrolment:
        context.update(item_context(enrolment, attempt.quiz))
    return context


@require_POST
@login_required
def start_attempt_view(request, quiz_id):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    enrolment = get_enrolment(request.user, quiz.course)
    if enrolment is None:
        messages.info(request, "Enrol in the course to take its quizzes.")
        return redirect(quiz.course.url)
    locked_by = item_context(enrolment, quiz)["locked_by"]
    if locked_by is not None:
        messages.error(request, f"This quiz unlocks when you complete “{locked_by.title}”.")
        return redirect(quiz.course.url)
    try:
        attempt = services.start_attempt(request.user, quiz)
    except services.QuizUnavailable as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def attempt_view(request, attempt_id):
    attempt = own_attempt(request, attempt_id)
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
        page_context(request, attempt, form=form, seconds_left=services.seconds_left(attempt)),
    )


@require_POST
@login_required
def autosave_view(request, attempt_id):
    """Save answers as they change. The reply says only whether they were saved: never a mark."""
    attempt = own_attempt(request, attempt_id)
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


@never_cache
@login_required
def result_view(request, attempt_id):
    attempt = own_attempt(request, attempt_id)
    if not attempt.is_submitted:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    status = services.quiz_status(request.user, attempt.quiz)
    review = status.can_review(attempt)
    fractions = dict(attempt.responses.values_list("position", "fraction"))
    rows = []
    for position, question in enumerate(attempt.questions):
        answer = attempt.answers.get(str(question.pk))
        row = {"question": question, "answer_display": question.answer_display(answer) if answer else ""}
        if review:
            row.update(
                fraction=fractions.get(position, 0.0),
                feedback=question.feedback_for(answer) if answer else [],
                correct_answer=question.correct_answer_display(),
            )
        rows.append(row)
    return render(
        request,
        "quizzes/result.html",
        page_context(request, attempt, rows=rows, review=review, status=status),
    )
