from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("courses/<int:course_id>/enrol/", views.enrol_view, name="enrol"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson_view, name="complete_lesson"),
    path("lessons/<int:lesson_id>/media/<int:document_id>/", views.lesson_media_view, name="lesson_media"),
    path("modules/<int:module_id>/offline.pdf", views.module_pdf_view, name="module_pdf"),
    path("lessons/<int:lesson_id>/task/", views.submit_task_view, name="submit_task"),
    path("courses/<int:course_id>/retake/", views.retake_view, name="retake"),
    path(
        "submissions/tries/<int:record_id>/attachment/",
        views.submission_attachment_view,
        name="submission_attachment",
    ),
]
