"""Course surveys in the Wagtail admin: *Course surveys* (edit each course's statements) and the
results page with its downloads (views in surveys/admin_views.py)."""

from django.db.models import Count
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_views import can_view_results, urlpatterns
from .models import CourseSurvey


class ResultsColumn(Column):
    cell_template_name = "surveys/admin/results_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["results_url"] = reverse("surveys_admin:results", args=[instance.pk])
        context["may_view"] = can_view_results(parent_context["request"].user)
        return context


class CourseSurveyViewSet(ModelViewSet):
    model = CourseSurvey
    name = "course_surveys"
    url_prefix = "surveys/courses"
    icon = "form"
    menu_label = "Course surveys"
    menu_order = 265
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = [
        Column("course", label="Course", sort_key="course__title"),
        Column("response_count", label="Responses", sort_key="response_count"),
        Column("is_open", label="Open"),
        ResultsColumn("results", label="Results", accessor="pk"),
    ]
    search_fields = ["course__title"]
    ordering = ["course__title"]

    def get_index_view_kwargs(self, **kwargs):
        queryset = CourseSurvey.objects.select_related("course").annotate(response_count=Count("responses"))
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)


course_survey_viewset = CourseSurveyViewSet()


@hooks.register("register_admin_viewset")
def register_course_surveys():
    return course_survey_viewset


@hooks.register("register_admin_urls")
def register_survey_admin_urls():
    return [path("surveys/", include((urlpatterns, "surveys_admin"), namespace="surveys_admin"))]
