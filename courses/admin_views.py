"""The courses app's Wagtail admin views.

Practice tasks (/admin/practice-tasks/, namespace "practice_tasks"): trainers who may edit a
practice lesson review what learners submitted, approving it (which completes the lesson) or
asking for changes.

Training (/admin/training/, namespace "training"): assign a course with a due date, enrol learners
in bulk from a CSV file (upload, preview, confirm), and the overdue report (with a CSV download).
Wagtail's admin URLs already require `wagtailadmin.access_admin`; these views also need
`courses.add_assignment` (assign, bulk enrol) or `courses.view_assignment` (overdue report), which
the Trainers group (lms/0004) and the Organisation managers group (lms/0008) have and superusers
have implicitly. What each user may choose and see goes through lms.scoping: an organisation
manager assigns to and sees only their organisations' people, and cannot bulk-enrol (which
creates accounts and organisations).

Both are registered in courses/wagtail_hooks.py.
"""

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import AdminDateInput

from lms.admin_utils import admin_context, long_date, plural, require
from lms.exports import spreadsheet_writer
from lms.models import Organisation, User
from lms.sanitise import learner_html
from lms.scoping import (
    can_see_learners,
    scope_queryset,
    sees_all_learners,
    visible_learners,
    visible_organisations,
)
from lms.services import pending_membership_requests, pending_role_claims

from . import services
from .assignments import (
    assign_course,
    can_be_invited,
    cancel_assignment,
    change_due_date,
    overdue_assignments,
    overdue_rows,
    send_invitations,
)
from .enrolment_csv import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    EnrolmentCsvError,
    import_enrolment_csv,
    parse_enrolment_csv,
)
from .models import Assignment, CoursePage, Enrolment, LessonPage, ReviewEmailSetting, TaskSubmission

# --- Practice tasks -------------------------------------------------------------------------------


def reviewable_lesson_ids(user):
    """Lessons needing approval that this user may edit (and so review)."""
    lessons = LessonPage.objects.filter(requires_approval=True)
    return [lesson.pk for lesson in lessons if lesson.permissions_for_user(user).can_edit()]


def submissions_for(user):
    return TaskSubmission.objects.filter(lesson_id__in=reviewable_lesson_ids(user)).select_related(
        "lesson", "enrolment__user", "enrolment__course"
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve: the lesson counts as complete"), ("changes", "Ask for changes")],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="The learner sees this on the lesson.",
    )

    def __init__(self, *args, rubric=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One choice of level per rubric criterion, named rubric_0, rubric_1, ...
        self.rubric_field_names = []
        for index, criterion in enumerate(rubric):
            name = f"rubric_{index}"
            self.fields[name] = forms.TypedChoiceField(
                label=criterion["criterion"],
                choices=[
                    (
                        str(number),
                        f"{level['label']} ({level['points']} points)"
                        + (f": {level['description']}" if level.get("description") else ""),
                    )
                    for number, level in enumerate(criterion["levels"])
                ],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.rubric_field_names.append(name)

    def rubric_levels(self):
        """The chosen level of each criterion, or None when the lesson has no rubric."""
        if not self.rubric_field_names:
            return None
        return [self.cleaned_data[name] for name in self.rubric_field_names]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "changes" and not cleaned.get("feedback", "").strip():
            self.add_error("feedback", "Say what to change, so the learner knows what to do next.")
        return cleaned


class ReviewEmailForm(forms.ModelForm):
    class Meta:
        model = ReviewEmailSetting
        fields = ["frequency"]
        labels = {"frequency": "Email me about new work"}
        widgets = {"frequency": forms.RadioSelect}


def index(request):
    submissions = submissions_for(request.user)
    status = request.GET.get("status", TaskSubmission.Status.PENDING)
    if status in TaskSubmission.Status.values:
        submissions = submissions.filter(status=status)
    return TemplateResponse(
        request,
        "courses/admin/task_index.html",
        {
            "submissions": submissions.order_by("submitted_at")[:200],
            "status": status,
            "statuses": TaskSubmission.Status.choices,
            "header_title": "Practice tasks",
            "email_form": ReviewEmailForm(instance=review_email_setting(request.user)),
        },
    )


def review_email_setting(user):
    """The user's own setting (unsaved with the default when they never chose)."""
    return ReviewEmailSetting.objects.filter(user=user).first() or ReviewEmailSetting(user=user)


@require_POST
def email_setting_view(request):
    """A reviewer chooses how they hear about submitted practice work (their own row only)."""
    if not reviewable_lesson_ids(request.user):
        raise PermissionDenied
    form = ReviewEmailForm(request.POST, instance=review_email_setting(request.user))
    if form.is_valid():
        setting = form.save()
        messages.success(request, f"Saved: {setting.get_frequency_display().lower()}.")
    else:
        messages.error(request, "Choose one of the options.")
    return redirect("practice_tasks:index")


def review(request, submission_id):
    """The review screen: the prompt, the learner's work as they wrote it (each activity type has
    its own template), its automatic checks, attachments, earlier tries, the rubric and feedback."""
    submission = get_object_or_404(
        TaskSubmission.objects.select_related("lesson", "enrolment__user", "enrolment__course"),
        pk=submission_id,
    )
    if not submission.lesson.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    lesson = submission.lesson.specific
    form = ReviewForm(request.POST or None, rubric=lesson.rubric_criteria())
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        services.review_task(
            submission,
            request.user,
            approve,
            form.cleaned_data["feedback"].strip(),
            rubric_levels=form.rubric_levels(),
        )
        learner = submission.enrolment.user.full_name
        messages.success(
            request, f"Approved {learner}'s work." if approve else f"Asked {learner} for changes."
        )
        return redirect("practice_tasks:index")
    return TemplateResponse(
        request,
        "courses/admin/task_review.html",
        {
            "submission": submission,
            "lesson": lesson,
            "work": learner_html(submission.text),
            "records": list(submission.records.select_related("reviewer")),
            "form": form,
            "header_title": f"Review: {submission.lesson.title}",
        },
    )


task_urlpatterns = [
    path("", index, name="index"),
    path("<int:submission_id>/", review, name="review"),
    path("email/", email_setting_view, name="email_setting"),
]


# --- Training -------------------------------------------------------------------------------------

ASSIGN_PERMISSION = "courses.add_assignment"
REVIEW_ACCOUNTS_PERMISSION = "lms.review_accounts"  # the Account approvals queue (lms/admin_views.py)
REPORT_PERMISSION = "courses.view_assignment"
OVERDUE_PER_PAGE = 50


def can_assign(user):
    return user.has_perm(ASSIGN_PERMISSION)


def can_view_reports(user):
    return user.has_perm(REPORT_PERMISSION)


def can_bulk_enrol(user):
    """Bulk enrolment creates accounts and organisations: not for organisation managers."""
    return can_assign(user) and sees_all_learners(user)


# --- form fields ---------------------------------------------------------------------------------


class LearnersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        organisation = f", {user.organisation.name}" if user.organisation_id else ""
        return f"{user.full_name} <{user.email}>{organisation}"


def course_field(required=True):
    return forms.ModelChoiceField(
        queryset=CoursePage.objects.live().order_by("title"),
        required=required,
        empty_label="Choose a course" if required else "No course (create the accounts only)",
    )


def due_date_field(required=True, help_text=""):
    return forms.DateField(
        required=required,
        widget=AdminDateInput(),
        help_text=help_text
        or "Today or later. Learners get a reminder a week before and when it has passed.",
    )


def check_due_date(value):
    if value is not None and value < timezone.localdate():
        raise forms.ValidationError(
            f"The due date cannot be in the past: choose today ({long_date(timezone.localdate())}) "
            "or a later date."
        )
    return value


class AssignCourseForm(forms.Form):
    course = course_field()
    learners = LearnersField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Hold Ctrl (Cmd on a Mac) to choose several; type a name to jump to it.",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No organisation",
        help_text="Assign the course to every active member of this organisation.",
    )
    due_date = due_date_field()
    note = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional, for other trainers (learners do not see it).",
    )

    def __init__(self, *args, user, **kwargs):
        """Only learners and organisations the user may see (lms.scoping) can be chosen."""
        super().__init__(*args, **kwargs)
        self.fields["learners"].queryset = (
            visible_learners(user, User.objects.filter(is_active=True))
            .select_related("organisation")
            .order_by("full_name", "email")
        )
        self.fields["organisation"].queryset = visible_organisations(user)

    def clean_due_date(self):
        return check_due_date(self.cleaned_data["due_date"])

    def clean(self):
        cleaned = super().clean()
        learners = cleaned.get("learners")
        organisation = cleaned.get("organisation")
        if "learners" in cleaned and "organisation" in cleaned:
            if not learners and organisation is None:
                self.add_error("learners", "Choose at least one learner, or an organisation.")
            elif organisation is not None and not learners:
                if not organisation.members.filter(is_active=True).exists():
                    self.add_error("organisation", f"{organisation} has no active members yet.")
        return cleaned

    def chosen_users(self):
        users = {user.pk: user for user in self.cleaned_data["learners"]}
        organisation = self.cleaned_data["organisation"]
        if organisation is not None:
            for user in organisation.members.filter(is_active=True):
                users.setdefault(user.pk, user)
        return list(users.values())


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"A .csv file saved as UTF-8, with a header row: email, full name, organisation, role "
        f"(public servant, councillor or other). At most {MAX_CSV_ROWS:,} learners.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Choose a .csv file (in Excel: File > Save As > CSV UTF-8).")
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB; split it into smaller files."
            )
        self.cleaned_data["data"] = upload.read()
        return upload


class ConfirmImportForm(forms.Form):
    """The validated file travels back in a hidden field and is validated again on confirm."""

    # Browsers send line breaks back as CRLF: allow for one extra character per line.
    csv_text = forms.CharField(
        widget=forms.HiddenInput, strip=False, max_length=MAX_CSV_BYTES + MAX_CSV_ROWS + 10
    )
    course = course_field(required=False)
    due_date = due_date_field(required=False, help_text="Needed when you choose a course. Today or later.")
    note = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional, for other trainers (learners do not see it).",
    )

    def clean_due_date(self):
        return check_due_date(self.cleaned_data["due_date"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("course") and not cleaned.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", "Choose a due date for the course.")
        if cleaned.get("due_date") and "course" in cleaned and not cleaned.get("course"):
            self.add_error("course", "Choose the course this due date is for, or clear the due date.")
        return cleaned


class OverdueFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.order_by("title"), required=False, empty_label="All courses"
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All organisations"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = visible_organisations(user)


# --- assign a course -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assign_view(request):
    require(can_assign, request)
    form = AssignCourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        due_date = form.cleaned_data["due_date"]
        assignments = assign_course(
            course, form.chosen_users(), due_date, request.user, form.cleaned_data["note"]
        )
        created = sum(1 for a in assignments if a.created)
        updated = len(assignments) - created
        completed = sum(1 for a in assignments if a.enrolment.completed_at is not None)
        details = [f"{created} new"]
        if updated:
            details.append(f"{updated} updated")
        if completed:
            details.append(f"{completed} already completed it")
        messages.success(
            request,
            f"Assigned “{course.title}” to {plural(len(assignments), 'learner')}, due "
            f"{long_date(due_date)} ({', '.join(details)}).",
        )
        return redirect("training:assign")
    return TemplateResponse(
        request, "courses/admin/assign_course.html", admin_context("Assign a course", "calendar", form=form)
    )


# --- bulk enrolment from CSV ---------------------------------------------------------------------


def preview_response(request, rows, errors, confirm_form=None, upload_form=None):
    new_organisations = sorted(
        {
            row.organisation_name.lower(): row.organisation_name for row in rows if row.is_new_organisation
        }.values()
    )
    context = admin_context(
        "Bulk enrol: check and confirm",
        "upload",
        rows=rows,
        csv_errors=errors,
        new_count=sum(1 for row in rows if row.is_new_user),
        existing_count=sum(1 for row in rows if not row.is_new_user),
        invite_count=sum(1 for row in rows if row.will_be_invited),
        new_organisations=new_organisations,
        confirm_form=confirm_form,
        upload_form=upload_form or CsvUploadForm(),
    )
    return TemplateResponse(request, "courses/admin/bulk_enrol_preview.html", context)


@require_http_methods(["GET", "POST"])
def bulk_enrol_view(request):
    """Upload (GET shows the form; POST shows the preview of the file)."""
    require(can_bulk_enrol, request)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rows, errors = parse_enrolment_csv(form.cleaned_data["data"])
        confirm_form = None
        if not errors:
            text = form.cleaned_data["data"].decode("utf-8-sig")
            confirm_form = ConfirmImportForm(initial={"csv_text": text})
        return preview_response(request, rows, errors, confirm_form=confirm_form)
    context = admin_context(
        "Bulk enrol from CSV", "upload", form=form, max_rows=MAX_CSV_ROWS, csv_errors=None
    )
    return TemplateResponse(request, "courses/admin/bulk_enrol_upload.html", context)


@require_POST
def bulk_enrol_confirm_view(request):
    require(can_bulk_enrol, request)
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        if "csv_text" in form.errors:  # tampered with or lost: start again
            messages.error(request, "The file could not be carried over to this step. Upload it again.")
            return redirect("training:bulk_enrol")
        rows, errors = parse_enrolment_csv(form.cleaned_data["csv_text"])
        return preview_response(request, rows, errors, confirm_form=None if errors else form)
    data = form.cleaned_data
    try:
        result = import_enrolment_csv(
            data["csv_text"],
            course=data["course"],
            due_date=data["due_date"],
            assigned_by=request.user,
            note=data["note"],
        )
    except EnrolmentCsvError as error:  # the data changed since the preview
        rows, _ = parse_enrolment_csv(data["csv_text"])
        return preview_response(request, rows, error.errors)
    except IntegrityError:  # someone created one of these accounts or organisations meanwhile
        messages.error(
            request, "Someone changed the same accounts meanwhile; nothing was imported. Try again."
        )
        rows, errors = parse_enrolment_csv(data["csv_text"])
        return preview_response(request, rows, errors, confirm_form=None if errors else form)
    summary = (
        f"Imported {plural(len(result.created) + len(result.existing), 'learner')}: "
        f"{plural(len(result.created), 'new account')}, {len(result.existing)} existing"
    )
    if result.organisations_created:
        summary += f", {plural(len(result.organisations_created), 'new organisation')}"
    summary += f". {plural(len(result.invited), 'invitation')} to set a password will be emailed."
    if data["course"]:
        summary += f" Assigned “{data['course'].title}”, due {long_date(data['due_date'])}."
    messages.success(request, summary)
    return redirect("training:bulk_enrol")


# --- assignments: list, change the due date, cancel, resend the invitation -----------------------

CHANGE_PERMISSION = "courses.change_assignment"
ASSIGNMENTS_PER_PAGE = 50


def can_change_assignments(user):
    return user.has_perm(CHANGE_PERMISSION)


class AssignmentFilterForm(forms.Form):
    STATUSES = [
        ("", "Any status"),
        ("open", "Not complete"),
        ("overdue", "Overdue (due today or earlier)"),
        ("due_soon", "Due in the next 7 days"),
        ("completed", "Completed"),
    ]
    q = forms.CharField(label="Learner", required=False, help_text="Part of a name or email address.")
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.order_by("title"), required=False, empty_label="All courses"
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All organisations"
    )
    status = forms.ChoiceField(choices=STATUSES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = visible_organisations(user)

    def filter(self, assignments, today):
        data = self.cleaned_data if self.is_valid() else {}
        if query := (data.get("q") or "").strip():
            assignments = assignments.filter(
                Q(enrolment__user__full_name__icontains=query) | Q(enrolment__user__email__icontains=query)
            )
        if data.get("course"):
            assignments = assignments.filter(enrolment__course=data["course"])
        if data.get("organisation"):
            assignments = assignments.filter(enrolment__user__organisation=data["organisation"])
        status = data.get("status")
        if status == "completed":
            assignments = assignments.filter(enrolment__completed_at__isnull=False)
        elif status == "open":
            assignments = assignments.filter(enrolment__completed_at__isnull=True)
        elif status == "overdue":
            assignments = assignments.filter(pk__in=overdue_assignments(today=today).values("pk"))
        elif status == "due_soon":
            assignments = assignments.filter(
                enrolment__completed_at__isnull=True,
                due_date__gt=today,
                due_date__lte=today + timedelta(days=7),
            )
        return assignments


def assignments_in_scope(user):
    """Every assignment the admin user may see (lms.scoping: managers, their organisations only)."""
    assignments = Assignment.objects.select_related(
        "enrolment__user__organisation", "enrolment__course", "assigned_by"
    )
    return scope_queryset(assignments, user, user_path="enrolment__user")


def assignment_or_404(request, assignment_id):
    """The assignment, if this user may see it; another organisation's gives 404, as a missing one."""
    return get_object_or_404(assignments_in_scope(request.user), pk=assignment_id)


def assignment_status(assignment, today):
    if assignment.enrolment.completed_at is not None:
        return "Completed"
    days = (assignment.due_date - today).days
    if days < 0:
        return f"Overdue by {plural(-days, 'day')}"
    if days == 0:
        return "Due today (overdue at the end of the day)"
    return f"Due in {plural(days, 'day')}"


@require_http_methods(["GET"])
def assignments_view(request):
    require(can_view_reports, request)
    today = timezone.localdate()
    form = AssignmentFilterForm(request.GET or None, user=request.user)
    assignments = form.filter(assignments_in_scope(request.user), today).order_by(
        "due_date", "enrolment__user__full_name", "pk"
    )
    paginator = Paginator(assignments, ASSIGNMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    may_change = can_change_assignments(request.user)
    rows = [
        {
            "assignment": assignment,
            "learner": assignment.enrolment.user,
            "status": assignment_status(assignment, today),
            "late": assignment.enrolment.completed_at is None and assignment.due_date <= today,
            "can_invite": may_change and can_be_invited(assignment.enrolment.user),
        }
        for assignment in page.object_list
    ]
    context = admin_context(
        "Assignments",
        "calendar",
        filter_form=form,
        page_obj=page,
        rows=rows,
        total=paginator.count,
        querystring=query.urlencode(),
        may_change=may_change,
        next_url=request.get_full_path(),
    )
    return TemplateResponse(request, "courses/admin/assignments.html", context)


class DueDateForm(forms.Form):
    due_date = due_date_field(help_text="Today or later. The learner is emailed the new date.")

    def clean_due_date(self):
        return check_due_date(self.cleaned_data["due_date"])


def back_to_list(request):
    """Where to go after an action: the list as it was filtered (only a path on this site)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) and next_url.startswith(
        reverse("training:assignments")
    ):
        return redirect(next_url)
    return redirect("training:assignments")


@require_http_methods(["GET", "POST"])
def assignment_due_date_view(request, assignment_id):
    require(can_change_assignments, request)
    assignment = assignment_or_404(request, assignment_id)
    form = DueDateForm(request.POST or None, initial={"due_date": assignment.due_date})
    if request.method == "POST" and form.is_valid():
        change_due_date(assignment, form.cleaned_data["due_date"], request.user)
        messages.success(
            request,
            f"“{assignment.enrolment.course.title}” for {assignment.enrolment.user.full_name} is now due "
            f"{long_date(assignment.due_date)}.",
        )
        return back_to_list(request)
    title = f"Change the due date: {assignment.enrolment.user.full_name}"
    context = admin_context(
        title,
        "calendar",
        parents=[(reverse("training:assignments"), "Assignments")],
        form=form,
        assignment=assignment,
        next_url=request.GET.get("next", ""),
    )
    return TemplateResponse(request, "courses/admin/assignment_due_date.html", context)


@require_http_methods(["GET", "POST"])
def assignment_cancel_view(request, assignment_id):
    require(can_change_assignments, request)
    assignment = assignment_or_404(request, assignment_id)
    if request.method == "POST":
        cancel_assignment(assignment)
        messages.success(
            request,
            f"Cancelled “{assignment.enrolment.course.title}” for {assignment.enrolment.user.full_name}; "
            "they stay enrolled, with no due date.",
        )
        return back_to_list(request)
    context = admin_context(
        f"Cancel the assignment: {assignment.enrolment.user.full_name}",
        "calendar",
        parents=[(reverse("training:assignments"), "Assignments")],
        assignment=assignment,
        next_url=request.GET.get("next", ""),
    )
    return TemplateResponse(request, "courses/admin/assignment_cancel.html", context)


@require_POST
def assignment_invite_view(request, assignment_id):
    require(can_change_assignments, request)
    assignment = assignment_or_404(request, assignment_id)
    learner = assignment.enrolment.user
    if can_be_invited(learner):
        send_invitations([learner.pk], assignment.enrolment.course)
        messages.success(request, f"A new invitation to set a password will be emailed to {learner.email}.")
    else:
        messages.warning(request, f"{learner.full_name} has already set a password: no invitation was sent.")
    return back_to_list(request)


# --- the admin home page's "Work waiting" panel ---------------------------------------------------


class WorkWaitingPanel(Component):
    """The admin home page's summary of what needs doing (construct_homepage_panels): practice
    tasks waiting for review, role and organisation claims waiting, courses completed this week,
    and assignments due in the next 7 days or overdue. Each figure shows only to people who may act
    on it, scoped as the lists it links to (organisation managers count their own people)."""

    name = "work_waiting"
    order = 50
    template_name = "courses/admin/home_panel.html"

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        today = timezone.localdate()
        figures = []
        if lesson_ids := reviewable_lesson_ids(user):
            waiting = TaskSubmission.objects.filter(
                lesson_id__in=lesson_ids, status=TaskSubmission.Status.PENDING
            ).count()
            figures.append((waiting, "practice task", "waiting for review", reverse("practice_tasks:index")))
        if user.has_perm(REVIEW_ACCOUNTS_PERMISSION):
            claims = pending_role_claims().count() + pending_membership_requests().count()
            figures.append(
                (claims, "role or organisation claim", "waiting", reverse("account_approvals:index"))
            )
        if can_see_learners(user):
            week_start = timezone.make_aware(
                datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time())
            )
            completions = scope_queryset(
                Enrolment.objects.filter(completed_at__gte=week_start), user, user_path="user"
            ).count()
            figures.append((completions, "course", "completed this week (since Monday)", None))
        if can_view_reports(user):
            open_assignments = scope_queryset(
                Assignment.objects.filter(
                    enrolment__completed_at__isnull=True, enrolment__user__is_active=True
                ),
                user,
                user_path="enrolment__user",
            )
            due_soon = open_assignments.filter(due_date__gt=today, due_date__lte=today + timedelta(days=7))
            overdue = scope_queryset(overdue_assignments(today=today), user, user_path="enrolment__user")
            assignments_url = reverse("training:assignments")
            figures.append(
                (
                    due_soon.count(),
                    "assignment",
                    "due in the next 7 days",
                    f"{assignments_url}?status=due_soon",
                )
            )
            figures.append(
                (overdue.count(), "assignment", "overdue (due today or earlier)", reverse("training:overdue"))
            )
        return {
            "figures": [
                {"count": count, "what": plural(count, noun).split(" ", 1)[1], "state": state, "url": url}
                for count, noun, state, url in figures
            ]
        }


# --- overdue report ------------------------------------------------------------------------------


def filtered_overdue(request):
    form = OverdueFilterForm(request.GET or None, user=request.user)
    course = organisation = None
    if form.is_valid():
        course = form.cleaned_data["course"]
        organisation = form.cleaned_data["organisation"]
    assignments = overdue_assignments(course=course, organisation=organisation)
    return form, scope_queryset(assignments, request.user, user_path="enrolment__user")


@require_http_methods(["GET"])
def overdue_view(request):
    require(can_view_reports, request)
    form, assignments = filtered_overdue(request)
    paginator = Paginator(assignments, OVERDUE_PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    context = admin_context(
        "Overdue training",
        "warning",
        filter_form=form,
        page_obj=page,
        rows=overdue_rows(page.object_list),
        total=paginator.count,
        querystring=query.urlencode(),
        csv_url=reverse("training:overdue_csv") + (f"?{query.urlencode()}" if query else ""),
    )
    return TemplateResponse(request, "courses/admin/overdue.html", context)


CSV_HEADER = [
    "Learner",
    "Email",
    "Organisation",
    "Course",
    "Due date",
    "Days overdue",
    "Progress (%)",
    "Assigned by",
]


@require_http_methods(["GET"])
def overdue_csv_view(request):
    require(can_view_reports, request)
    _, assignments = filtered_overdue(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"overdue-training-{timezone.localdate():%Y-%m-%d}.csv"
    )
    response.write("\ufeff")  # so Excel reads UTF-8
    writer = spreadsheet_writer(response)
    writer.writerow(CSV_HEADER)
    paginator = Paginator(assignments, 500)
    for number in paginator.page_range:
        for row in overdue_rows(paginator.page(number).object_list):
            learner = row.learner
            writer.writerow(
                [
                    learner.full_name,
                    learner.email,
                    learner.organisation.name if learner.organisation_id else "",
                    row.course.title,
                    row.due_date.isoformat(),
                    row.days_overdue,
                    row.percent,
                    row.assignment.assigned_by or "",
                ]
            )
    return response


training_urlpatterns = [
    path("assign/", assign_view, name="assign"),
    path("bulk-enrol/", bulk_enrol_view, name="bulk_enrol"),
    path("bulk-enrol/confirm/", bulk_enrol_confirm_view, name="bulk_enrol_confirm"),
    path("assignments/", assignments_view, name="assignments"),
    path("assignments/<int:assignment_id>/due-date/", assignment_due_date_view, name="assignment_due_date"),
    path("assignments/<int:assignment_id>/cancel/", assignment_cancel_view, name="assignment_cancel"),
    path("assignments/<int:assignment_id>/invite/", assignment_invite_view, name="assignment_invite"),
    path("overdue/", overdue_view, name="overdue"),
    path("overdue.csv", overdue_csv_view, name="overdue_csv"),
]
