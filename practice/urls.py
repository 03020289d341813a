from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("posts/<int:page_id>/", views.draft_post_view, name="draft_post"),
    path("metrics/<int:page_id>/", views.metrics_view, name="metrics"),
    path("scenarios/<int:page_id>/", views.scenario_view, name="scenario"),
    path("reflections/<int:page_id>/", views.reflection_view, name="reflection"),
]
