from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    help = "Create or update a confidential OIDC client (an LMS) and add redirect URIs to it."

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        parser.add_argument("client_secret")
        parser.add_argument("redirect_uris", nargs="+")

    def handle(self, client_id, client_secret, redirect_uris, **options):
        Application = get_application_model()
        app = Application.objects.filter(client_id=client_id).first() or Application(client_id=client_id)
        uris = set(app.redirect_uris.split()) | set(redirect_uris)
        app.name = client_id
        app.client_type = Application.CLIENT_CONFIDENTIAL
        app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        app.algorithm = Application.RS256_ALGORITHM
        app.skip_authorization = True
        app.redirect_uris = " ".join(sorted(uris))
        app.client_secret = client_secret  # hashed on save
        app.save()
