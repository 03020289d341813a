from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """The standard OIDC claims (email, email_verified, name) in the ID token and at /userinfo."""

    def get_additional_claims(self, request):
        person = request.user.person
        return {"email": request.user.email, "email_verified": person.email_verified, "name": person.name}
