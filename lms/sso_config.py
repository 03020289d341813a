"""Identity providers configured in the environment, turned into allauth's SOCIALACCOUNT_PROVIDERS.

Read by settings/base.py, so this module imports nothing from Django's app registry. Providers
configured in the Wagtail admin (lms.models.IdentityProvider) join them at run time (lms/sso.py).

SSO_OIDC_PROVIDERS, a JSON list, one object per OpenID Connect provider:
    {"id": "finance-entra", "name": "Department of Finance", "organisation": "Department of Finance",
     "issuer": "https://login.microsoftonline.com/<tenant ID>/v2.0",
     "client_id": "...", "client_secret": "..."}
SSO_SAML_PROVIDERS, a JSON list, one object per SAML 2.0 identity provider:
    {"id": "ballarat", "name": "City of Ballarat", "organisation": "City of Ballarat",
     "entity_id": "https://idp.example/metadata", "sso_url": "https://idp.example/sso",
     "x509cert": "MIIC...", "attribute_mapping": {...}}     (or "metadata_url" instead of the three)
"organisation" is the name of an Organisation in the admin: the provider is trusted to vouch for
email addresses at that organisation's verified domains only.
"""

import json

from django.core.exceptions import ImproperlyConfigured

# Where a SocialApp's settings keep the organisation a provider is mapped to: its name (from the
# environment) or its primary key (from the admin).
ORGANISATION_NAME = "lms_organisation"
ORGANISATION_ID = "lms_organisation_id"

# The claims most SAML identity providers (Entra ID, ADFS, Okta, Shibboleth) send.
SAML_ATTRIBUTE_MAPPING = {
    "uid": [
        "urn:oasis:names:tc:SAML:attribute:subject-id",
        "http://schemas.microsoft.com/identity/claims/objectidentifier",
    ],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
    ],
    "email_verified": ["email_verified", "http://schemas.auth0.com/email_verified"],
    "name": [
        "urn:oid:2.16.840.1.113730.3.1.241",
        "http://schemas.microsoft.com/identity/claims/displayname",
        "name",
    ],
}


def _load(raw, variable):
    try:
        entries = json.loads(raw or "[]")
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{variable} is not valid JSON: {error}") from error
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ImproperlyConfigured(f"{variable} must be a JSON list of objects.")
    return entries


def _require(entry, keys, variable):
    missing = [key for key in keys if not entry.get(key)]
    if missing:
        raise ImproperlyConfigured(f"{variable}: {entry.get('id', '?')} lacks {', '.join(missing)}.")


def oidc_apps(raw, variable="SSO_OIDC_PROVIDERS"):
    """allauth app configurations for the openid_connect provider."""
    apps = []
    for entry in _load(raw, variable):
        _require(entry, ["id", "name", "issuer", "client_id", "client_secret", "organisation"], variable)
        apps.append(
            {
                "provider_id": entry["id"],
                "name": entry["name"],
                "client_id": entry["client_id"],
                "secret": entry["client_secret"],
                "settings": {
                    "server_url": entry["issuer"],
                    "oauth_pkce_enabled": entry.get("pkce", True),
                    ORGANISATION_NAME: entry["organisation"],
                },
            }
        )
    return apps


def saml_apps(raw, variable="SSO_SAML_PROVIDERS"):
    """allauth app configurations for the saml provider (python3-saml underneath)."""
    apps = []
    for entry in _load(raw, variable):
        _require(entry, ["id", "name", "organisation"], variable)
        if entry.get("metadata_url"):
            idp = {"metadata_url": entry["metadata_url"]}
        else:
            _require(entry, ["entity_id", "sso_url", "x509cert"], variable)
            idp = {
                "entity_id": entry["entity_id"],
                "sso_url": entry["sso_url"],
                "x509cert": entry["x509cert"],
            }
        apps.append(
            {
                # allauth's saml provider: client_id is the slug in /accounts/saml/<id>/..., and
                # provider_id (what linked accounts record) the identity provider's entity ID.
                "provider_id": entry.get("entity_id") or entry["metadata_url"],
                "name": entry["name"],
                "client_id": entry["id"],
                "settings": {
                    "idp": idp,
                    "attribute_mapping": entry.get("attribute_mapping", SAML_ATTRIBUTE_MAPPING),
                    # Signed assertions only, and never the deprecated SHA-1 algorithms.
                    "advanced": {
                        "strict": True,
                        "want_assertion_signed": True,
                        "reject_deprecated_algorithm": True,
                    },
                    ORGANISATION_NAME: entry["organisation"],
                },
            }
        )
    return apps


def socialaccount_providers(oidc_raw, saml_raw):
    """SOCIALACCOUNT_PROVIDERS for the environment's identity providers."""
    providers = {}
    oidc, saml = oidc_apps(oidc_raw), saml_apps(saml_raw)
    if oidc:
        providers["openid_connect"] = {"APPS": oidc}
    if saml:
        providers["saml"] = {"APPS": saml}
    return providers
