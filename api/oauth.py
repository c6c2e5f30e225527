"""The token endpoint's checks beyond django-oauth-toolkit's own: only a usable client (not
revoked, not expired, its organization active) gets a token, and only the client credentials
grant exists here."""

from django.conf import settings
from django.utils.decorators import method_decorator
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import TokenView

from referral_portal.ratelimits import rate_limited


class ApiClientValidator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = getattr(request.client, "api_client", None)
        return client is not None and client.is_usable

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type == "client_credentials" and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )


@method_decorator(
    rate_limited(key="ip", rate=settings.API_TOKEN_REQUESTS_PER_MINUTE, group="api_token"),
    name="post",
)
class ClientCredentialsTokenView(TokenView):
    """POST /api/oauth/token/ (form-encoded, as OAuth 2.0 requires): client id and secret in
    HTTP Basic authentication, grant_type=client_credentials; answers a bearer token."""
