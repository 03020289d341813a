"""Admin views for the question bank: the listing across question types, the question chooser
of the quiz editor, GIFT import and export, extra time for a learner, and the quiz statistics
report (page and CSV)."""

import csv
from pathlib import PurePath

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.widgets import Button, ButtonWithDropdown
from wagtail.log_actions import log

from lms.admin_utils import require
from lms.exports import neutralise_cell

from .gift import CATEGORY_NAME_MAX_LENGTH, GiftError, export_gift, import_gift
from .models import QUESTION_TYPES, Question, QuestionCategory, QuizExtension, QuizPage, QuizQuestion
from .services import grant_extension
from .statistics import ATTEMPT_CHOICES, quiz_statistics

# --- permissions ---------------------------------------------------------------------------


def has_model_permission(user, model, action):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


class AnyQuestionTypePolicy:
    """Permissions on "questions in general", for views that span every question type: a user
    may do an action if they may do it on at least one type. Views that touch one question
    still check that question's own type."""

    def user_has_permission(self, user, action):
        return any(has_model_permission(user, model, action) for model in QUESTION_TYPES)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return has_model_permission(user, type(instance), action)


any_question_type = AnyQuestionTypePolicy()


def can_import_gift(user):
    """An import may create questions of every type and new categories."""
    return has_model_permission(user, QuestionCategory, "add") and all(
        has_model_permission(user, model, "add") for model in QUESTION_TYPES
    )


def can_export_gift(user):
    return any(has_model_permission(user, QuestionCategory, action) for action in ("view", "change"))


# --- deleting protected rows ----------------------------------------------------------------


def describe(obj):
    # A quiz's question slot reads best as its quiz's title.
    return str(obj.quiz) if isinstance(obj, QuizQuestion) else str(obj)


class ProtectedDeleteView(DeleteView):
    """Refuse, with a message, to delete a row the database still protects.

    Wagtail refuses deletion itself when its reference index records a protecting reference, but
    the index only knows about rows saved while the admin's viewsets were registered: questions
    loaded by a management command are missing from it until `rebuild_references_index` runs.
    """

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as error:
            in_use = sorted({describe(obj) for obj in error.protected_objects})
            shown = ", ".join(in_use[:5]) + (", ..." if len(in_use) > 5 else "")
            messages.error(
                self.request,
                f"{capfirst(self.object._meta.verbose_name)} '{self.object}' is still used "
                f"({shown}) and was not deleted.",
            )
            return redirect(self.index_url_name)


# --- every question, whatever its type -------------------------------------------------------


def question_url(question, view_name):
    """The URL of a view in the admin of this question's own type."""
    return reverse(f"{question._meta.model_name}:{view_name}", args=(question.pk,))


class QuestionFilterSet(WagtailFilterSet):
    question_type = django_filters.ChoiceFilter(
        label="Type",
        choices=[(model._meta.model_name, model.type_label) for model in QUESTION_TYPES],
        method="filter_question_type",
        empty_label="All types",
    )

    class Meta:
        model = Question
        fields = ["category"]

    def filter_question_type(self, queryset, name, value):
        model = next(m for m in QUESTION_TYPES if m._meta.model_name == value)
        return queryset.instance_of(model)


class AllQuestionsIndexView(IndexView):
    """One listing of the whole question bank. Rows are the questions' real subtypes (one query
    per type on the page), and each links to the edit view of its own type."""

    model = Question
    permission_policy = any_question_type
    filterset_class = QuestionFilterSet
    search_fields = ["name"]
    default_ordering = "-updated_at"
    page_title = "All questions"
    header_icon = "list-ul"

    def get_base_queryset(self):
        return Question.objects.select_related("category")

    @cached_property
    def columns(self):
        return [
            self._get_title_column("name"),
            Column("type_label", label="Type"),
            Column("category", label="Category", sort_key="category__name"),
            DateColumn("updated_at", label="Updated", sort_key="updated_at"),
        ]

    def get_edit_url(self, instance):
        if has_model_permission(self.request.user, type(instance), "change"):
            return question_url(instance, "edit")

    def get_delete_url(self, instance):
        if has_model_permission(self.request.user, type(instance), "delete"):
            return question_url(instance, "delete")

    def get_add_url(self):
        return None  # a question is added as one type: see the "Add a question" menu

    def get_header_buttons(self):
        add_buttons = [
            Button(model.type_label, url=reverse(f"{model._meta.model_name}:add"), priority=i)
            for i, model in enumerate(QUESTION_TYPES)
            if has_model_permission(self.request.user, model, "add")
        ]
        buttons = super().get_header_buttons()
        if add_buttons:
            buttons.insert(
                0,
                ButtonWithDropdown(
                    label="Add a question",
                    icon_name="plus",
                    buttons=add_buttons,
                    classname="w-h-slim-header",
                ),
            )
        return buttons


# --- the question chooser in the quiz editor ---------------------------------------------------


def quizzes_using(question_ids):
    """{question id: titles of the quizzes that chose it}, in one query."""
    used = {}
    rows = (
        QuizQuestion.objects.filter(question_id__in=question_ids)
        .order_by("quiz__title")
        .values_list("question_id", "quiz__title")
    )
    for question_id, title in rows:
        used.setdefault(question_id, []).append(title)
    return used


class QuestionChooserFilterForm(BaseFilterForm):
    """Search (name or text), category and type; the modal reloads its results as they change."""

    q = forms.CharField(
        label="Search",
        required=False,
        help_text="Words in the question's name or text.",
        widget=forms.TextInput(attrs={"placeholder": "Search questions"}),
    )
    category = forms.ModelChoiceField(
        queryset=QuestionCategory.objects.all(),
        required=False,
        empty_label="All categories",
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )
    question_type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "All types"), *((m._meta.model_name, m.type_label) for m in QUESTION_TYPES)],
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def filter(self, objects):
        if query := self.cleaned_data.get("q", "").strip():
            objects = objects.filter(Q(name__icontains=query) | Q(text__icontains=query))
            self.is_searching, self.search_query = True, query
        if category := self.cleaned_data.get("category"):
            objects = objects.filter(category=category)
            self.is_searching = True
        if question_type := self.cleaned_data.get("question_type"):
            model = next(m for m in QUESTION_TYPES if m._meta.model_name == question_type)
            objects = objects.instance_of(model)
            self.is_searching = True
        return objects


class UsedInColumn(Column):
    cell_template_name = "quizzes/admin/chooser_used_in_cell.html"


class QuestionPreviewColumn(Column):
    """The question as learners read it, its options and the right answer, in a disclosure."""

    cell_template_name = "quizzes/admin/chooser_preview_cell.html"


class QuestionChooserMixin:
    """The question chooser's listing: questions of every type (real subtypes, one query per type
    on the page), each with its type, category, the quizzes that already use it and a preview.
    Answer keys show in the preview, so only people who work with the question bank may open it."""

    filter_form_class = QuestionChooserFilterForm
    per_page = 20

    def dispatch(self, request, *args, **kwargs):
        require(
            lambda user: any_question_type.user_has_any_permission(user, ["add", "change", "view"]),
            request,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return Question.objects.select_related("category")

    def get_results_page(self, request):
        page = super().get_results_page(request)
        page.object_list = list(page.object_list)
        used = quizzes_using([question.pk for question in page.object_list])
        for question in page.object_list:
            question.used_in = used.get(question.pk, [])
        return page

    @property
    def columns(self):
        return [
            self.title_column,
            Column("type_label", label="Type"),
            Column("category", label="Category"),
            UsedInColumn("used_in", label="Used in"),
            QuestionPreviewColumn("preview", label="Preview", accessor="pk"),
        ]


class QuestionChooseView(QuestionChooserMixin, ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooserMixin, ChooseResultsView):
    pass


# --- categories ------------------------------------------------------------------------------


class GiftExportColumn(Column):
    cell_template_name = "quizzes/admin/gift_export_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["export_url"] = reverse("gift:export", args=(instance.pk,))
        return context


class CategoryIndexView(IndexView):
    """Categories, each with its question count and a link to download it as GIFT."""

    @cached_property
    def columns(self):
        columns = list(super().columns)
        if can_export_gift(self.request.user):
            columns.append(GiftExportColumn("export", label="Export", accessor=lambda c: "Download"))
        return columns

    def get_header_more_buttons(self):
        buttons = list(super().get_header_more_buttons())
        if can_import_gift(self.request.user):
            buttons.append(Button("Import GIFT", url=reverse("gift:import"), icon_name="upload"))
        return buttons


# --- GIFT import and export -------------------------------------------------------------------

GIFT_MAX_BYTES = 2 * 1024 * 1024
GIFT_EXTENSIONS = {".gift", ".txt"}


class GiftImportForm(forms.Form):
    file = forms.FileField(
        label="GIFT file",
        help_text="A .gift or .txt file saved as UTF-8 (Moodle's question bank export works).",
        widget=forms.ClearableFileInput(attrs={"accept": ".gift,.txt,text/plain"}),
    )
    # The name's length is checked by import_gift, the one check every way of importing shares.
    category = forms.CharField(
        label="Category",
        help_text="Questions without a $CATEGORY line go into this category. "
        "It is created if it does not exist yet.",
        widget=forms.TextInput(
            attrs={
                "list": "gift-category-names",
                "autocomplete": "off",
                "maxlength": CATEGORY_NAME_MAX_LENGTH,
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in GIFT_EXTENSIONS:
            raise forms.ValidationError("Choose a .gift or .txt file.")
        if upload.size > GIFT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB; split it into smaller files.")
        try:
            self.cleaned_data["text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The file is not UTF-8 text. Save it as UTF-8 and try again."
            ) from error
        return upload

    def clean_category(self):
        return " ".join(self.cleaned_data["category"].split())


class GiftImportView(WagtailAdminTemplateMixin, FormView):
    form_class = GiftImportForm
    template_name = "quizzes/admin/gift_import.html"
    page_title = "Import GIFT"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_import_gift(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("question:index"), "label": "Question bank"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category_names"] = list(QuestionCategory.objects.values_list("name", flat=True))
        return context

    def form_valid(self, form):
        try:
            result = import_gift(form.cleaned_data["text"], form.cleaned_data["category"])
        except ValueError as error:  # the category name
            form.add_error("category", f"{capfirst(str(error))}.")
            return self.form_invalid(form)
        except GiftError as error:
            return self.render_to_response(self.get_context_data(form=form, gift_errors=error.errors))
        count = len(result.created)
        categories = ", ".join(sorted(category.name for category in result.categories))
        noun = "question" if count == 1 else "questions"
        messages.success(self.request, f"Imported {count} {noun} into {categories}.")
        if result.warnings:
            shown = "; ".join(f"line {line}: {message}" for line, message in result.warnings[:5])
            more = "; ..." if len(result.warnings) > 5 else ""
            messages.warning(self.request, f"Check the imported questions: {shown}{more}.")
        return redirect("question:index")


def gift_filename(category):
    """The category's name as a safe download file name."""
    unsafe = '\\/:*?"<>|'
    name = "".join(" " if ch in unsafe or ord(ch) < 32 else ch for ch in category.name)
    return (" ".join(name.split()) or "questions") + ".gift"


def gift_export_view(request, category_id):
    if not can_export_gift(request.user):
        raise PermissionDenied
    category = get_object_or_404(QuestionCategory, pk=category_id)
    result = export_gift(category.questions.select_related("category").order_by("name"))
    if result.skipped:
        shown = "; ".join(f"{question.name} ({reason})" for question, reason in result.skipped[:5])
        more = "; ..." if len(result.skipped) > 5 else ""
        messages.warning(
            request,
            f"{len(result.skipped)} question(s) in {category} cannot be written as GIFT and were "
            f"left out of the download: {shown}{more}.",
        )
    response = HttpResponse(result.text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, gift_filename(category))
    return response


# --- extra time ------------------------------------------------------------------------------


class QuizExtensionForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            field = self.fields["user"]
            field.queryset = field.queryset.filter(is_active=True).order_by("full_name", "email")
            field.label_from_instance = lambda user: f"{user.full_name} ({user.email})"
            field.label = "Learner"


def extension_panel(for_update=False):
    # Once granted, an extension belongs to its learner and quiz: to move it, delete it and grant
    # a new one.
    return ObjectList(
        [
            FieldPanel("quiz", read_only=for_update),
            FieldPanel("user", read_only=for_update, heading="Learner"),
            FieldPanel(
                "extra_minutes",
                help_text="Added to the quiz's time limit for this learner. "
                "An attempt in progress gets the extra time at once.",
            ),
            FieldPanel("reason", help_text="For other trainers, e.g. 'screen reader user'."),
        ],
        base_form_class=QuizExtensionForm,
    ).bind_to_model(QuizExtension)


class GrantExtensionMixin:
    """Save through `grant_extension`, so a learner's open attempt gets its new deadline."""

    def save_instance(self):
        # The valid form has copied its values onto the instance; on the edit form the quiz and
        # learner are read-only, so they keep their saved values.
        instance = self.form.instance
        grant_extension(
            instance.quiz,
            instance.user,
            instance.extra_minutes,
            granted_by=self.request.user,
            reason=instance.reason,
        )
        extension = QuizExtension.objects.get(quiz=instance.quiz, user=instance.user)
        log(instance=extension, action=self.log_action, user=self.request.user)
        return extension


class QuizExtensionCreateView(GrantExtensionMixin, CreateView):
    log_action = "wagtail.create"


class QuizExtensionEditView(GrantExtensionMixin, EditView):
    log_action = "wagtail.edit"


# --- quiz statistics: registered as quizzes_admin:statistics and quizzes_admin:statistics_csv ---


CSV_HEADER = [
    "Position",
    "Question ID",
    "Question",
    "Learning outcome",
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
    return neutralise_cell(f"{value:.2f}" if isinstance(value, float) else value)


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
                    f"{question.outcome_code}: {question.outcome_text}" if question.outcome_code else "",
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
