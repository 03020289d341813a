"""Setting up single sign-on: identity providers in the admin (*Settings → Single sign-on*) and in the
environment (SSO_OIDC_PROVIDERS, SSO_SAML_PROVIDERS), SAML built by python3-saml, and the account
pages' Content-Security-Policy letting the login buttons reach the providers."""

import datetime
import json

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.saml.utils import build_saml_config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from courses.factories import make_user
from lms.models import IdentityProvider, Organisation, OrganisationDomain, User
from lms.sso import provider_origins, provider_vouches_for
from lms.sso_config import oidc_apps, saml_apps, socialaccount_providers
from tests.two_step import sign_in_to_admin

pytestmark = pytest.mark.django_db

SECRET = "s3cret-from-entra"  # noqa: S105


@pytest.fixture
def finance():
    organisation = Organisation.objects.create(name="Department of Finance")
    OrganisationDomain.objects.create(organisation=organisation, domain="finance.gov.au")
    return organisation


@pytest.fixture
def superuser():
    return User.objects.create_superuser(
        email="admin@example.gov.au", password="x-Long-pass-1", full_name="Ada"
    )


def form_data(organisation, **overrides):
    return {
        "name": "Department of Finance",
        "slug": "finance-entra",
        "organisation": str(organisation.pk),
        "server_url": "https://login.microsoftonline.com/tenant-123/v2.0",
        "client_id": "client-abc",
        "client_secret": SECRET,
        "enabled": "on",
        **overrides,
    }


# --- the admin ------------------------------------------------------------------------------------


def test_an_administrator_sets_up_a_provider_and_the_secret_is_never_shown_back(client, superuser, finance):
    sign_in_to_admin(client, superuser)
    assert b"Single sign-on" in client.get("/admin/").content  # in the Settings menu
    index = client.get("/admin/single-sign-on/")
    assert index.status_code == 200

    created = client.post("/admin/single-sign-on/new/", form_data(finance))
    assert created.status_code == 302, created.context and created.context["form"].errors
    provider = IdentityProvider.objects.get()
    assert (provider.slug, provider.client_secret, provider.organisation) == (
        "finance-entra",
        SECRET,
        finance,
    )

    edit = client.get(f"/admin/single-sign-on/edit/{provider.pk}/")
    assert edit.status_code == 200
    assert SECRET.encode() not in edit.content
    assert b"A secret is saved" in edit.content

    # Saving with the secret left empty keeps it; typing one replaces it.
    client.post(
        f"/admin/single-sign-on/edit/{provider.pk}/", form_data(finance, client_secret="", name="Finance")
    )
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret) == ("Finance", SECRET)
    client.post(f"/admin/single-sign-on/edit/{provider.pk}/", form_data(finance, client_secret="rotated"))
    provider.refresh_from_db()
    assert provider.client_secret == "rotated"

    # allauth sees it as an OpenID Connect app, mapped to Finance.
    app = get_adapter().get_app(RequestFactory().get("/"), provider="finance-entra")
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        "finance-entra",
        "client-abc",
        "rotated",
    )
    assert app.settings["server_url"] == "https://login.microsoftonline.com/tenant-123/v2.0"
    assert provider_vouches_for(app, "jo@finance.gov.au")
    assert not provider_vouches_for(app, "jo@gmail.com")
    assert not provider_vouches_for(app, "jo@sub.finance.gov.au")


def test_a_new_provider_needs_a_secret(client, superuser, finance):
    sign_in_to_admin(client, superuser)
    answer = client.post("/admin/single-sign-on/new/", form_data(finance, client_secret=""))
    assert answer.status_code == 200
    assert answer.context["form"].errors["client_secret"]
    assert not IdentityProvider.objects.exists()


def test_a_provider_id_cannot_clash_with_allauth_or_the_environment(client, superuser, finance, settings):
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(json.dumps([ENTRA]), "")
    sign_in_to_admin(client, superuser)
    for taken in ("saml", "openid_connect", "finance-entra"):
        answer = client.post("/admin/single-sign-on/new/", form_data(finance, slug=taken))
        assert answer.status_code == 200
        assert answer.context["form"].errors["slug"]
    assert not IdentityProvider.objects.exists()


def test_trainers_cannot_open_single_sign_on(client, finance):
    trainer = make_user(email="trainer@example.gov.au", role=User.Role.TRAINER)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    sign_in_to_admin(client, trainer)
    assert b"Single sign-on" not in client.get("/admin/").content
    assert client.get("/admin/single-sign-on/").status_code in (302, 403)
    assert client.post("/admin/single-sign-on/new/", form_data(finance)).status_code in (302, 403)
    assert not IdentityProvider.objects.exists()


# --- the environment ------------------------------------------------------------------------------

ENTRA = {
    "id": "finance-entra",
    "name": "Department of Finance",
    "organisation": "Department of Finance",
    "issuer": "https://login.microsoftonline.com/tenant-123/v2.0",
    "client_id": "client-abc",
    "client_secret": SECRET,
}


def test_oidc_providers_from_the_environment(settings, finance):
    (app_config,) = oidc_apps(json.dumps([ENTRA]))
    assert app_config["provider_id"] == "finance-entra" and app_config["secret"] == SECRET
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(json.dumps([ENTRA]), "")
    app = get_adapter().get_app(None, provider="finance-entra")
    assert app.provider == "openid_connect" and app.client_id == "client-abc"
    assert provider_vouches_for(app, "jo@finance.gov.au")
    assert not provider_vouches_for(app, "jo@health.gov.au")


@pytest.mark.parametrize(
    "raw",
    ["not json", '{"id": "x"}', json.dumps([{**ENTRA, "organisation": ""}]), json.dumps([{"id": "x"}])],
)
def test_bad_environment_configuration_fails_loudly(raw):
    with pytest.raises(ImproperlyConfigured):
        oidc_apps(raw)


def self_signed_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.ballarat.vic.gov.au")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    return "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)


def test_saml_providers_from_the_environment_build_a_valid_python3_saml_configuration(client, settings):
    ballarat = Organisation.objects.create(name="City of Ballarat", kind=Organisation.Kind.COUNCIL)
    OrganisationDomain.objects.create(organisation=ballarat, domain="ballarat.vic.gov.au")
    saml = [
        {
            "id": "ballarat",
            "name": "City of Ballarat",
            "organisation": "City of Ballarat",
            "entity_id": "https://idp.ballarat.vic.gov.au/metadata",
            "sso_url": "https://idp.ballarat.vic.gov.au/sso",
            "x509cert": self_signed_certificate(),
        }
    ]
    (app_config,) = saml_apps(json.dumps(saml))
    assert app_config["client_id"] == "ballarat"
    assert app_config["settings"]["advanced"]["want_assertion_signed"]
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers("", json.dumps(saml))

    # python3-saml wants a real domain name in the service provider's URLs ("testserver" is not one).
    host = {"HTTP_HOST": "academy.example.gov.au"}
    request = RequestFactory().get("/accounts/saml/ballarat/login/", **host)
    app = get_adapter().get_app(request, provider="saml", client_id="ballarat")
    config = build_saml_config(request, app.settings, app.client_id)
    assert config["idp"]["singleSignOnService"]["url"] == "https://idp.ballarat.vic.gov.au/sso"
    assert (
        config["sp"]["assertionConsumerService"]["url"]
        == "http://academy.example.gov.au/accounts/saml/ballarat/acs/"
    )
    OneLogin_Saml2_Settings(config, sp_validation_only=False)  # python3-saml (with xmlsec) accepts it
    assert provider_vouches_for(app, "cr.smith@ballarat.vic.gov.au")

    # Our side of SAML answers: the service provider metadata an IdP is given, and the login
    # that sends the browser to the IdP.
    metadata = client.get("/accounts/saml/ballarat/metadata/", **host)
    assert metadata.status_code == 200
    assert b"http://academy.example.gov.au/accounts/saml/ballarat/acs/" in metadata.content
    login = client.post("/accounts/saml/ballarat/login/", **host)
    assert login.status_code == 302
    assert login["Location"].startswith("https://idp.ballarat.vic.gov.au/sso?SAMLRequest=")


# --- Content-Security-Policy ----------------------------------------------------------------------


def test_account_pages_let_the_login_buttons_reach_the_providers_and_no_other_page_does(client, finance):
    IdentityProvider.objects.create(
        name="Finance",
        slug="finance-entra",
        server_url="https://login.microsoftonline.com/tenant-123/v2.0",
        client_id="abc",
        client_secret=SECRET,
        organisation=finance,
    )
    IdentityProvider.objects.create(
        name="Old",
        slug="old",
        server_url="https://old-idp.example.com",
        client_id="abc",
        client_secret=SECRET,
        organisation=finance,
        enabled=False,
    )
    assert provider_origins() == ["https://login.microsoftonline.com"]

    def form_action(path):
        policy = client.get(path)["Content-Security-Policy"]
        (directive,) = [d.strip() for d in policy.split(";") if d.strip().startswith("form-action")]
        return directive.split()[1:]

    assert form_action("/accounts/login/") == ["'self'", "https://login.microsoftonline.com"]
    assert form_action("/") == ["'self'"]
