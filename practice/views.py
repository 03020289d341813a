"""Learner views of the practice activities: check and submit a drafted post, answer a metrics
exercise, take a response scenario step by step, submit a plan or reflection. Each goes through
the courses access gate (courses.views.course_item_view) and stores tries through
courses.services.submit_task_result; the page contexts (registered in apps.py) give the forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from courses import services
from courses.views import course_item_view

from . import checks
from .forms import DraftPostForm, MetricsForm, ReflectionForm, ScenarioFinishForm, ScenarioForm, parse_path
from .models import DraftPostPage, MetricsExercisePage, ReflectionPage, ScenarioPage

# --- Page contexts (courses.page_context providers) ------------------------------------------------


def _access(page, request):
    access = getattr(request, "course_access", None)
    return access if access is not None and access.page.pk == page.pk else None


def _shows_activity(page, request):
    """A learner let in by the gate, or a trainer previewing the page in the admin (who sees the
    activity as a learner starts it; submitting from a preview goes through the gate)."""
    return _access(page, request) is not None or getattr(request, "is_preview", False)


def draft_post_context(page, request):
    if not _shows_activity(page, request):
        return {}
    return {"post_form": DraftPostForm(allow_attachment=page.allow_attachment), "platform": page.platform}


def metrics_context(page, request):
    if not _shows_activity(page, request):
        return {}
    figures = page.figures_for(request.user) if _access(page, request) else page.base_figures()
    labels = page.figure_labels()
    return {
        "figure_rows": [(labels[name], value) for name, value in figures.items()],
        "metrics_form": MetricsForm(questions=[block.value for block in page.questions]),
    }


def scenario_context(page, request):
    if not _shows_activity(page, request) or not page.steps:
        return {}
    return scenario_state(page, [])


def scenario_state(page, path):
    turns, step, outcome = page.walk(path)
    path_text = ",".join(str(n) for n in path)
    return {
        "turns": turns,
        "step": step,
        "outcome": outcome,
        "scenario_form": ScenarioForm(initial={"path": path_text}, step=step) if step else None,
        "finish_form": None if step else ScenarioFinishForm(initial={"path": path_text}),
    }


def reflection_context(page, request):
    if not _shows_activity(page, request):
        return {}
    if _access(page, request) is None:  # a preview
        return {"reflection_form": ReflectionForm(allow_attachment=page.allow_attachment)}
    submission = page.task_submissions.filter(enrolment=request.course_access.enrolment).first()
    initial = {"text": submission.text} if submission else {}
    return {"reflection_form": ReflectionForm(initial=initial, allow_attachment=page.allow_attachment)}


def rerender(request, access, status=200, **context):
    """The activity's page again with `context` (errors, results, the next step)."""
    request.course_access = access
    response = access.page.serve(request)
    response.context_data.update(context)
    response.status_code = status
    return response


def submitted(request, access, submission, course_complete):
    page = access.page
    if course_complete:
        messages.success(
            request, "Course complete! Your certificate is being prepared and will be on My learning."
        )
        return redirect("dashboard")
    if submission.status == submission.Status.PENDING:
        messages.success(request, "Submitted. A trainer will review it; you will see the result here.")
    elif submission.status == submission.Status.APPROVED:
        messages.success(request, f"Well done: “{page.title}” is complete.")
    else:
        messages.info(request, "Not yet: see the results below and try again.")
    return redirect(page.url + "#activity")


def already_done(request, access):
    messages.info(request, "You have completed this activity.")
    return redirect(access.page.url)


# --- Actions -----------------------------------------------------------------------------------------


@require_POST
@login_required
@course_item_view(DraftPostPage)
def draft_post_view(request, access):
    """Check a drafted post (results and a preview, nothing saved) or submit it. A post is
    submitted only once it passes the checks; then a trainer reviews it, or it is complete."""
    page, enrolment = access.page, access.enrolment
    if access.context["is_done"]:
        return already_done(request, access)
    form = DraftPostForm(request.POST, request.FILES, allow_attachment=page.allow_attachment)
    if not form.is_valid():
        return rerender(request, access, 400, post_form=form)
    post = form.cleaned_data["post"]
    alt_text = form.cleaned_data.get("alt_text", "")
    image = form.cleaned_data.get("attachment")
    results = checks.check_post(post, page.post_rules(), has_image=bool(image), alt_text=alt_text)
    ready = checks.passed(results)
    if request.POST.get("action") != "submit" or not ready:
        if request.POST.get("action") == "submit":
            form.add_error(None, "Fix what the checks found, then submit.")
        return rerender(
            request,
            access,
            200 if ready else 400,
            post_form=form,
            check_results=[r.as_dict() for r in results],
            preview=post,
            ready=ready,
        )
    submission, course_complete = services.submit_task_result(
        enrolment,
        page,
        post,
        answer={"platform": page.platform.name, "alt_text": alt_text},
        check_results=[r.as_dict() for r in results],
        attachment=image,
        passed=None if page.requires_approval else True,
    )
    return submitted(request, access, submission, course_complete)


@require_POST
@login_required
@course_item_view(MetricsExercisePage)
def metrics_view(request, access):
    """Mark a metrics exercise on the server: each answer against its formula, within tolerance,
    with this learner's figures. Every try is kept."""
    page, enrolment = access.page, access.enrolment
    if access.context["is_done"]:
        return already_done(request, access)
    form = MetricsForm(request.POST, questions=[block.value for block in page.questions])
    if not form.is_valid():
        return rerender(request, access, 400, metrics_form=form)
    figures = page.figures_for(request.user)
    results = page.mark(figures, form.answers())
    all_right = all(result["passed"] for result in results)
    submission, course_complete = services.submit_task_result(
        enrolment,
        page,
        answer={"figures": figures, "answers": {str(k): v for k, v in form.answers().items()}},
        check_results=results,
        passed=None if page.requires_approval and all_right else all_right,
    )
    return submitted(request, access, submission, course_complete)


@require_POST
@login_required
@course_item_view(ScenarioPage)
def scenario_view(request, access):
    """Take one step of a scenario (the path so far is replayed on the server, so a tampered path
    gets nowhere), or submit a finished one: a pass ending completes it (or goes for review)."""
    page, enrolment = access.page, access.enrolment
    if access.context["is_done"]:
        return already_done(request, access)
    if request.POST.get("action") == "finish":
        form = ScenarioFinishForm(request.POST)
        if not form.is_valid():
            return redirect(page.url)
        try:
            turns, step, outcome = page.walk(form.cleaned_data["path"])
        except ValueError:
            return redirect(page.url)
        if step is not None:
            return redirect(page.url)
        passed = outcome == "pass"
        submission, course_complete = services.submit_task_result(
            enrolment,
            page,
            form.cleaned_data["own_reply"],
            answer={
                "path": form.cleaned_data["path"],
                "outcome": outcome,
                "turns": [{"step": step["name"], "reply": choice["reply"]} for step, choice in turns],
            },
            check_results=[
                {
                    "key": "outcome",
                    "label": "Outcome",
                    "passed": passed,
                    "message": turns[-1][1]["consequence"],
                    "advisory": False,
                }
            ],
            passed=None if page.requires_approval and passed else passed,
        )
        return submitted(request, access, submission, course_complete)
    try:
        path = parse_path(request.POST.get("path", ""))
        _, step, _ = page.walk(path)
    except ValueError:  # a tampered path: start again
        return redirect(page.url)
    form = ScenarioForm(request.POST, step=step)
    if step is None or not form.is_valid():
        context = scenario_state(page, path)
        if step is not None:
            context["scenario_form"] = form
        return rerender(request, access, 400, **context)
    return rerender(request, access, 200, **scenario_state(page, [*path, form.cleaned_data["choice"]]))


@require_POST
@login_required
@course_item_view(ReflectionPage)
def reflection_view(request, access):
    page, enrolment = access.page, access.enrolment
    if access.context["is_done"]:
        return already_done(request, access)
    form = ReflectionForm(
        request.POST, request.FILES, min_words=page.min_words, allow_attachment=page.allow_attachment
    )
    if not form.is_valid():
        return rerender(request, access, 400, reflection_form=form)
    submission, course_complete = services.submit_task_result(
        enrolment,
        page,
        form.cleaned_data["text"],
        attachment=form.cleaned_data.get("attachment"),
        passed=None if page.requires_approval else True,
    )
    return submitted(request, access, submission, course_complete)
