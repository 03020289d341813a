from django.urls import path

from . import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("deep-link/", views.deep_link_return, name="deep_link"),
    path("jwks.json", views.jwks, name="jwks"),
]
