from django.urls import path, register_converter

from . import views
from .models import CODE_PATTERN


class CertificateCodeConverter:
    """A certificate number: URL-safe base64 (letters, digits, - and _)."""

    regex = CODE_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CertificateCodeConverter, "certcode")

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_form_view, name="verify_form"),
    path("verify/<certcode:code>/", views.verify_view, name="verify"),
    path("verify/<certcode:code>.json", views.verify_json_view, name="verify_json"),
    path("verify/<certcode:code>/credential.json", views.credential_view, name="credential"),
    path("verify/<certcode:code>/credential.jwt", views.signed_credential_view, name="signed_credential"),
    path("status/<int:number>", views.status_list_view, name="status_list"),
    path("<certcode:code>/download/", views.download_view, name="download"),
    path("<certcode:code>/prepare/", views.prepare_view, name="prepare"),
]
