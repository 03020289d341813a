from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("verify/<str:code>/", views.verify_view, name="verify"),
    path("<str:code>/download/", views.download_view, name="download"),
]
