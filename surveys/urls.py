from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [path("course/<int:course_id>/", views.answer_view, name="answer")]
