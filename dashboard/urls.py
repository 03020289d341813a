from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    re_path(r"^records\.(?P<fmt>json|csv)$", views.my_records, name="my_records"),
]
