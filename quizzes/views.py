from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
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


@require_POST
@login_required
def start_attempt_view(request, quiz_id):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    if get_enrolment(request.user, quiz.course) is None:
        messages.info(request, "Enrol in the course to take its quizzes.")
        return redirect(quiz.course.url)
    try:
        attempt = services.start_attempt(request.user, quiz)
    except services.QuizUnavailable as error:
        messages.error(request, str(error))
        return redirect(quiz.url)
    return redirect("quizzes:attempt", attempt_id=attempt.pk)


@require_http_methods(["GET", "POST"])
@login_required
def attempt_view(request, attempt_id):
    attempt = own_attempt(request, attempt_id)
    if attempt.is_submitted:
        messages.info(request, "You have already submitted this attempt. Here is your result.")
        return redirect("quizzes:result", attempt_id=attempt.pk)
    form = AttemptForm(attempt, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            result = services.submit_attempt(attempt, form.answers())
            if result.already_submitted:
                messages.info(request, "This attempt was already submitted, so it was marked only once.")
            return redirect("quizzes:result", attempt_id=attempt.pk)
        # Keep what the learner chose so far, even though the attempt is incomplete.
        partial = {
            str(question.pk): field.data
            for question, field in form.question_fields()
            if field.data not in (None, "", [])
        }
        services.save_answers(attempt, partial)
    enrolment = get_enrolment(request.user, attempt.quiz.course)
    context = {"attempt": attempt, "quiz": attempt.quiz, "form": form, "page": attempt.quiz}
    if enrolment:
        context.update(item_context(enrolment, attempt.quiz))
    return render(request, "quizzes/attempt.html", context)


@login_required
def result_view(request, attempt_id):
    attempt = own_attempt(request, attempt_id)
    if not attempt.is_submitted:
        return redirect("quizzes:attempt", attempt_id=attempt.pk)
    rows = []
    for question in attempt.questions:
        answer = attempt.answers.get(str(question.pk))
        rows.append(
            {
                "question": question,
                "answer_display": question.answer_display(answer) if answer else "",
                "fraction": question.grade(answer) if answer else 0.0,
                "feedback": question.feedback_for(answer) if answer else [],
                "correct_answer": question.correct_answer_display(),
            }
        )
    enrolment = get_enrolment(request.user, attempt.quiz.course)
    context = {"attempt": attempt, "quiz": attempt.quiz, "rows": rows, "page": attempt.quiz}
    if enrolment:
        context.update(item_context(enrolment, attempt.quiz))
    return render(request, "quizzes/result.html", context)
