from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("<int:quiz_id>/start/", views.start_attempt_view, name="start"),
    path("attempts/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("attempts/<int:attempt_id>/autosave/", views.autosave_view, name="autosave"),
    path("attempts/<int:attempt_id>/more-time/", views.more_time_view, name="more_time"),
    path("attempts/<int:attempt_id>/result/", views.result_view, name="result"),
]
