"""The issuer's public keys, at the root of the site: lms/urls.py includes these under /.well-known/
(the did:web method and JWKS conventions fix the address)."""

from django.urls import path

from . import views

app_name = "well_known"
urlpatterns = [
    path("jwks.json", views.jwks_view, name="jwks"),
    path("did.json", views.did_document_view, name="did_document"),
]
