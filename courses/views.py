"""Learner views for courses: enrol, complete a lesson, submit a practice task, retake; the
responses for refusals of the access gate; and the learner context of course pages (registered
as courses.page_context providers in apps.py)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.models import Page

from lms.storage import private_storage

from . import caching, media, offline, services
from .access import (
    AccessRefused,
    LoginRequired,
    ModuleLocked,
    NotEnrolled,
    PasswordRequired,
    check_privacy,
    open_course_item,
)
from .forms import ATTACHMENT_CONTENT_TYPES, TaskSubmissionForm, attachment_extension
from .models import CoursePage, LessonPage, ModulePage, TaskSubmissionRecord
from .services import can_see_submission

# --- The gate's refusals as responses -------------------------------------------------------------


def refusal_response(request, refusal):
    """The response to an AccessRefused for an action (a POST or a page outside Wagtail's
    routing): sign in, give the page's password, enrol, or wait for the module to unlock; 404
    for anything missing, unpublished or private to other groups."""
    if isinstance(refusal, LoginRequired):
        return redirect_to_login(request.get_full_path())
    if isinstance(refusal, PasswordRequired):
        return redirect(refusal.page.url)
    if isinstance(refusal, NotEnrolled):
        messages.info(request, "Enrol in the course to open its lessons and quizzes.")
        return redirect(refusal.course.url)
    if isinstance(refusal, ModuleLocked):
        messages.error(request, f"This module unlocks when you complete “{refusal.locked_by.title}”.")
        return redirect(refusal.course.url)
    raise Http404("No such page.")


def locked_page_response(request, page, refusal):
    context = {"page": page, "locked_by": refusal.locked_by, **refusal.context}
    return TemplateResponse(request, "courses/locked.html", context, status=403)


def course_item_view(model, **gate_options):
    """Decorate a view taking one page id (of a `model` page): it is called as
    view(request, access) with the gate's CourseAccess, or the gate's refusal is the response."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, **kwargs):
            (page_id,) = kwargs.values()
            page = model.objects.filter(pk=page_id).first()
            try:
                access = open_course_item(request, page, **gate_options)
            except AccessRefused as refusal:
                return refusal_response(request, refusal)
            return view(request, access)

        return wrapped

    return decorator


# --- Learner context of pages (courses.page_context providers) ----------------------------------


def catalogue_context(page, request):
    """The catalogue's cards (with the learner's status on each), and close matches when a
    search finds no course. A signed-in learner's kept catalogue, while current, needs nothing
    else: not even the list of courses."""
    query, audience = services.catalogue_filters(request.GET.get("q", ""), request.GET.get("audience", ""))
    content_fragment = caching.catalogue_content_fragment(request, audience, query)
    if content_fragment and caching.fragment_is_current(content_fragment):
        return {"content_fragment": content_fragment}
    results = services.search_catalogue(page, query, audience)
    suggestions = None
    if results.query and not results.courses:
        every_course = services.search_catalogue(page, "", results.audience).courses
        found = services.suggest_courses(every_course, results.query)
        suggestions = {
            "query": found.query,
            "courses": services.course_cards(request.user, found.courses),
        }
    return {
        "courses": results.courses,
        "cards": services.course_cards(request.user, results.courses),
        "content_fragment": content_fragment,
        "suggestions": suggestions,
        "lesson_results": results.lesson_results,
        "query": results.query,
        "audience": results.audience,
        "audience_choices": [(key, label) for key, (label, _) in services.AUDIENCE_FILTERS.items()],
    }


def home_context(page, request):
    """The home page's course cards, with a signed-in learner's status and Continue link on each."""
    return {"cards": services.course_cards(request.user, page.featured_courses())}


def course_page_context(page, request):
    enrolment = services.request_enrolment(request, page)
    # Progress first: it reads the outline with the learner's record, in one round trip.
    progress = services.course_progress(enrolment) if enrolment else None
    context = {"outline": services.course_outline(page), "enrolment": enrolment}
    if enrolment:
        context["progress"] = progress
        context["outline_fragment"] = caching.learner_outline_fragment(
            "course-outline", progress, page, request
        )
    else:
        context["outline_fragment"] = caching.not_enrolled_outline_fragment(page, request)
    return context


def item_page_context(page, request):
    """What the gate found for this item (enrolment, outline, progress, previous and next item),
    and where its outline is kept for this learner."""
    access = getattr(request, "course_access", None)
    if access is None or access.page.pk != page.pk:
        return {}
    return {
        **access.context,
        "outline_fragment": caching.learner_outline_fragment(
            "course-nav", access.context.get("progress"), page, request
        ),
    }


def lesson_page_context(page, request):
    """The learner's latest try at a practice task or activity, its history, and (for a plain
    practice task) the form to submit work; activities add their own forms (practice app)."""
    access = getattr(request, "course_access", None)
    if access is None or access.page.pk != page.pk:
        return {}
    if not page.completed_by_submission:
        return {"body_fragment": caching.lesson_body_fragment(page, request)}
    submission = page.task_submissions.filter(enrolment=access.enrolment).first()
    context = {
        "body_fragment": caching.lesson_body_fragment(page, request),
        "submission": submission,
        "submission_records": list(submission.records.all()) if submission else [],
    }
    if not page.is_activity:
        context["task_form"] = TaskSubmissionForm(instance=submission, allow_attachment=page.allow_attachment)
    return context


# --- Actions --------------------------------------------------------------------------------------


@require_POST
@login_required
@course_item_view(CoursePage, enrolled=False)
def enrol_view(request, access):
    course = access.course
    enrolment = services.enrol(request.user, course)
    progress = services.course_progress(enrolment)
    messages.success(request, f"You are enrolled in {course.title}.")
    return redirect((progress.resume_item or course).url)


@require_POST
@login_required
@course_item_view(LessonPage)
def complete_lesson_view(request, access):
    lesson, enrolment = access.page, access.enrolment
    try:
        course_complete = services.complete_lesson(enrolment, lesson)
    except services.TaskNeedsApproval:
        messages.info(request, "Submit your work below: a trainer approves it to complete this lesson.")
        return redirect(lesson.url)
    if course_complete:
        messages.success(
            request, "Course complete! Your certificate is being prepared and will be on My learning."
        )
        return redirect("dashboard")
    progress = services.course_progress(enrolment)
    messages.success(request, f"“{lesson.title}” marked complete.")
    return redirect((progress.next_item or lesson.course).url)


@require_POST
@login_required
@course_item_view(LessonPage)
def submit_task_view(request, access):
    lesson, enrolment = access.page, access.enrolment
    if not lesson.requires_approval or getattr(lesson.specific_class, "is_activity", False):
        return redirect(lesson.url)  # activities have their own forms (practice app)
    submission = lesson.task_submissions.filter(enrolment=enrolment).first()
    form = TaskSubmissionForm(
        request.POST, request.FILES, instance=submission, allow_attachment=lesson.allow_attachment
    )
    if form.is_valid():
        services.submit_task(
            enrolment, lesson, form.cleaned_data["text"], attachment=form.cleaned_data.get("attachment")
        )
        messages.success(
            request, "Your work is submitted. A trainer will review it; you will see the result here."
        )
        return redirect(lesson.url)
    # Show the lesson again with the error and what the learner typed.
    request.course_access = access
    response = lesson.serve(request)
    response.context_data["task_form"] = form
    response.status_code = 400
    return response


@require_POST
@login_required
@course_item_view(CoursePage)
def retake_view(request, access):
    course, enrolment = access.course, access.enrolment
    if not services.can_retake(enrolment):
        messages.info(request, "This course does not need renewing yet.")
        return redirect("dashboard")
    services.start_retake(enrolment)
    messages.success(
        request,
        f"You have started {course.title} again. Your earlier certificate stays valid until it expires.",
    )
    return redirect((services.course_progress(enrolment).resume_item or course).url)


def lesson_media_view(request, lesson_id, document_id):
    """Stream a video or caption file of a lesson's video block to a learner who may open the
    lesson (the gate: live, page privacy, enrolment, module lock). A document the lesson does not
    play, or a refusal, is the same 404 as a missing file (a player cannot follow a redirect to a
    sign-in page anyway)."""
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    try:
        open_course_item(request, lesson)
    except AccessRefused as refusal:
        raise Http404("No such file.") from refusal
    document = lesson.media_documents().get(document_id)
    if document is None or not (
        media.is_video_name(document.filename) or media.is_captions_name(document.filename)
    ):
        raise Http404("No such file.")
    return media.stream_file(request, document.file, document.filename)


@login_required
def module_pdf_view(request, module_id):
    """Download a module's offline copy (a tagged PDF of its lessons in order) for a learner the
    gate lets open the module: enrolled, the course's and module's privacy, not locked. Items
    with their own privacy the learner does not pass are left out. Any refusal is a 404."""
    module = ModulePage.objects.filter(pk=module_id).first()
    try:
        access = open_course_item(request, module)
    except AccessRefused as refusal:
        raise Http404("No such module.") from refusal
    outline = services.course_outline(access.course)
    items = next(m.items for m in outline.modules if m.page.pk == module.pk)
    # The outline's pages come without their bodies: read them with their bodies, in one go.
    with_bodies = {page.pk: page for page in Page.objects.filter(pk__in=[i.pk for i in items]).specific()}
    items = [with_bodies[item.pk] for item in items if item.pk in with_bodies]
    name = offline.module_pdf(module, access.course, [item for item in items if _may_read(request, item)])
    response = FileResponse(
        private_storage().open(name, "rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=offline.download_filename(module),
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _may_read(request, page):
    try:
        check_privacy(request, page)
    except AccessRefused:
        return False
    return True


@login_required
def submission_attachment_view(request, record_id):
    """Stream a file a learner attached to a try: only to that learner and to trainers who may
    review the lesson (edit it); anyone else gets the same 404 as for a missing file."""
    record = (
        TaskSubmissionRecord.objects.select_related("submission__enrolment", "submission__lesson")
        .filter(pk=record_id)
        .exclude(attachment="")
        .first()
    )
    if record is None or not can_see_submission(request.user, record.submission):
        raise Http404("No such file.")
    extension = attachment_extension(record.attachment.name)
    response = FileResponse(
        record.attachment.open("rb"),
        content_type=ATTACHMENT_CONTENT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=extension == "pdf",
        filename=f"submission-{record.submission_id}-try-{record.number}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response
