"""What the tests set up in the provider (people it signs in, the LMS as a client), reached over
HTTP at /setup/... with the harness's setup token: a request to the running provider costs a few
milliseconds, where a management command in a new process cost half a second of CPU each."""

import hmac
import json
import os

from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from .models import Person


def add_person(username, password, email, name, verified=True):
    """Create or update someone the provider signs in."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.email = email
    user.set_password(password)
    user.save()
    Person.objects.update_or_create(user=user, defaults={"name": name, "email_verified": verified})


def allow_client(client_id, client_secret, redirect_uris):
    """Create or update a confidential OIDC client (an LMS) and add redirect URIs to it."""
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


ACTIONS = {"person": add_person, "client": allow_client}


@csrf_exempt
@require_POST
def setup_view(request, action):
    """POST /setup/<person|client>/ with a JSON object of the function's arguments; only with the
    token the harness gave the provider (SSO_PROVIDER_SETUP_TOKEN) in the Authorization header."""
    token = os.environ.get("SSO_PROVIDER_SETUP_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(given, token) or action not in ACTIONS:
        return HttpResponseForbidden()
    ACTIONS[action](**json.loads(request.body))
    return HttpResponse(status=204)
