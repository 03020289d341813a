"""The question bank in the Wagtail admin: categories and one listing per question type."""

from wagtail import hooks
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .admin_views import ProtectedDeleteView
from .models import QuestionCategory, SingleChoiceQuestion


class QuestionCategoryViewSet(ModelViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = "Categories"
    url_prefix = "question-bank/categories"
    form_fields = ["name", "description"]
    list_display = ["name", "description"]
    search_fields = ["name", "description"]
    copy_view_enabled = False
    delete_view_class = ProtectedDeleteView


class QuestionViewSet(ModelViewSet):
    """The admin for one Question subtype. A new type needs only a subclass naming its model
    (whose `panels` lay out the form), an entry in QuestionBankGroup.items, and the Trainers
    group's permissions on it (a data migration)."""

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

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=self.model.objects.select_related("category"), **kwargs
        )


class SingleChoiceQuestionViewSet(QuestionViewSet):
    model = SingleChoiceQuestion
    menu_label = "Single choice"


class QuestionBankGroup(ModelViewSetGroup):
    menu_label = "Question bank"
    menu_icon = "help"
    menu_order = 250
    items = (QuestionCategoryViewSet, SingleChoiceQuestionViewSet)


@hooks.register("register_admin_viewset")
def register_question_bank():
    return QuestionBankGroup()
