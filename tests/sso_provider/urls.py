from django.contrib.auth import views as auth_views
from django.urls import include, path

from .setup import setup_view

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("setup/<str:action>/", setup_view),
]
