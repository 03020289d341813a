"""The question bank in the Wagtail admin: categories, one listing per question type, a listing of
every question, the question chooser of the quiz editor, GIFT import and export, extra time for
learners, and quiz statistics links."""

from django.urls import include, path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import Button

from lms.admin_utils import NoncedChooser, PermissionMenuItem

from .admin_views import (
    AllQuestionsIndexView,
    CategoryIndexView,
    GiftImportView,
    ProtectedDeleteView,
    QuestionChooseResultsView,
    QuestionChooseView,
    QuizExtensionCreateView,
    QuizExtensionEditView,
    any_question_type,
    can_import_gift,
    extension_panel,
    gift_export_view,
    quiz_statistics_csv,
    quiz_statistics_view,
)
from .models import (
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    Question,
    QuestionCategory,
    QuizExtension,
    QuizPage,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)


class QuestionCategoryViewSet(ModelViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = "Categories"
    url_prefix = "question-bank/categories"
    form_fields = ["name", "description"]
    list_display = ["name", "description"]
    search_fields = ["name", "description"]
    copy_view_enabled = False
    index_view_class = CategoryIndexView
    delete_view_class = ProtectedDeleteView


class QuestionViewSet(ModelViewSet):
    """The admin for one Question subtype. A new type needs only a subclass naming its model
    (whose `panels` lay out the form and whose `type_label` names the menu item), an entry in
    QuestionBankGroup.items, and the Trainers group's permissions on it (a data migration)."""

    icon = "help"
    delete_view_class = ProtectedDeleteView
    list_display = [
        "name",
        "category",
        DateColumn("updated_at", label="Updated", sort_key="updated_at"),
    ]
    list_filter = ["category"]
    search_fields = ["name"]
    ordering = ["-updated_at"]

    @property
    def url_prefix(self):
        return f"question-bank/{self.model_name}"

    @cached_property
    def menu_label(self):
        return self.model.type_label

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.model.objects.select_related("category"), **kwargs)


class SingleChoiceQuestionViewSet(QuestionViewSet):
    model = SingleChoiceQuestion


class MultipleResponseQuestionViewSet(QuestionViewSet):
    model = MultipleResponseQuestion


class TrueFalseQuestionViewSet(QuestionViewSet):
    model = TrueFalseQuestion


class ShortAnswerQuestionViewSet(QuestionViewSet):
    model = ShortAnswerQuestion


class NumericQuestionViewSet(QuestionViewSet):
    model = NumericQuestion


class MatchingQuestionViewSet(QuestionViewSet):
    model = MatchingQuestion


class OrderingQuestionViewSet(QuestionViewSet):
    model = OrderingQuestion


class AllQuestionsViewSet(ViewSet):
    """Every question in the bank, whatever its type; rows open their own type's editor."""

    name = "question"
    url_prefix = "question-bank/all"
    icon = "list-ul"
    menu_label = "All questions"

    def get_urlpatterns(self):
        view = AllQuestionsIndexView.as_view(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
        )
        results_view = AllQuestionsIndexView.as_view(
            index_url_name=self.get_url_name("index"),
            index_results_url_name=self.get_url_name("index_results"),
            results_only=True,
        )
        return [
            path("", view, name="index"),
            path("results/", results_view, name="index_results"),
        ]

    def get_menu_item(self, order=None):
        return PermissionMenuItem(
            self.menu_label,
            self.menu_url,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            allowed=lambda user: any_question_type.user_has_any_permission(
                user, ["add", "change", "delete", "view"]
            ),
        )


class GiftViewSet(ViewSet):
    """Moodle GIFT files: import into the bank, export a category (linked from its listing)."""

    name = "gift"
    url_prefix = "question-bank/gift"
    icon = "upload"
    menu_label = "Import GIFT"

    def get_urlpatterns(self):
        return [
            path("import/", GiftImportView.as_view(), name="import"),
            path("export/<int:category_id>/", gift_export_view, name="export"),
        ]

    def get_menu_item(self, order=None):
        return PermissionMenuItem(
            self.menu_label,
            self.menu_url,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            allowed=can_import_gift,
        )


class QuizExtensionViewSet(ModelViewSet):
    """Extra time one learner gets on one timed quiz (WCAG 2.2.1, timing adjustable)."""

    model = QuizExtension
    icon = "time"
    menu_label = "Extra time"
    url_prefix = "quizzes/extra-time"
    copy_view_enabled = False
    add_view_class = QuizExtensionCreateView
    edit_view_class = QuizExtensionEditView
    list_display = [
        Column("user", label="Learner", sort_key="user__full_name"),
        Column("quiz", label="Quiz", sort_key="quiz__title"),
        Column("extra_minutes", label="Extra minutes", sort_key="extra_minutes"),
        "reason",
        Column("granted_by", label="Granted by"),
        DateColumn("created_at", label="Granted", sort_key="created_at"),
    ]
    list_filter = ["quiz"]
    search_fields = ["user__full_name", "user__email", "quiz__title", "reason"]
    ordering = ["-created_at"]

    def get_edit_handler(self):
        return extension_panel(for_update=False)

    def get_edit_view_kwargs(self, **kwargs):
        panel = extension_panel(for_update=True)
        return super().get_edit_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=QuizExtension.objects.select_related("user", "quiz", "granted_by"), **kwargs
        )


class QuestionChooserViewSet(ChooserViewSet):
    """The quiz editor's question picker: a modal with search, category and type filters, a preview
    of each question and the quizzes already using it. Registering it makes it the widget of every
    admin form field that points to a Question (QuizQuestion.question); the quiz page's
    *Questions* panel (a MultipleChooserPanel) opens it to add several questions at once."""

    model = Question
    name = "question_chooser"
    url_prefix = "question-bank/choose"
    icon = "help"
    page_title = "Choose questions"
    choose_one_text = "Choose a question"
    choose_another_text = "Choose another question"
    edit_item_text = "Edit this question"
    base_widget_class = NoncedChooser
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView


question_chooser_viewset = QuestionChooserViewSet()


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset


class QuestionBankGroup(ModelViewSetGroup):
    menu_label = "Question bank"
    menu_icon = "help"
    menu_order = 250
    items = (
        AllQuestionsViewSet,
        SingleChoiceQuestionViewSet,
        MultipleResponseQuestionViewSet,
        TrueFalseQuestionViewSet,
        ShortAnswerQuestionViewSet,
        NumericQuestionViewSet,
        MatchingQuestionViewSet,
        OrderingQuestionViewSet,
        QuestionCategoryViewSet,
        GiftViewSet,
        QuizExtensionViewSet,
    )


@hooks.register("register_admin_viewset")
def register_question_bank():
    return QuestionBankGroup()


# --- quiz statistics ---------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    urls = [
        path("<int:quiz_id>/statistics/", quiz_statistics_view, name="statistics"),
        path("<int:quiz_id>/statistics.csv", quiz_statistics_csv, name="statistics_csv"),
    ]
    return [path("quizzes/", include((urls, "quizzes_admin"), namespace="quizzes_admin"))]


def is_quiz_page(page):
    model = page.specific_class
    return model is not None and issubclass(model, QuizPage)


def statistics_button(page, user, priority):
    if is_quiz_page(page) and page.permissions_for_user(user).can_edit():
        return Button(
            "Statistics",
            url=reverse("quizzes_admin:statistics", args=(page.pk,)),
            icon_name="table",
            attrs={"title": f"Results and item statistics for '{page.get_admin_display_title()}'"},
            priority=priority,
        )
    return None


@hooks.register("register_page_header_buttons")
def quiz_statistics_header_button(page, user, view_name, next_url=None):
    button = statistics_button(page, user, priority=62)
    return [button] if button else []


@hooks.register("register_page_listing_more_buttons")
def quiz_statistics_listing_button(page, user, next_url=None):
    button = statistics_button(page, user, priority=45)
    return [button] if button else []
