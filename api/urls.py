from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("openapi.json", views.openapi_view, name="openapi"),
    path("completions", views.completions_view, name="completions"),
    path("certificates", views.certificates_view, name="certificates"),
    path("progress", views.progress_view, name="progress"),
]
