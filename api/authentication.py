"""Bearer tokens only. A session cookie is never looked at here, so a signed-in browser cannot
call the API (and a cross-site page cannot make it do so); a token is read from the
Authorization header only, never from the query string or the body."""

import hashlib

from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

INVALID = "The access token is missing, expired or revoked, or its client is disabled."


class ApiClientTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # DRF then answers 401 with WWW-Authenticate below
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(INVALID) from error
        checksum = hashlib.sha256(raw.encode()).hexdigest()
        token = (
            AccessToken.objects.select_related(
                "application__api_client__organization",
                "application__api_client__service_account__organization",
            )
            .filter(token_checksum=checksum)
            .first()
        )
        client = getattr(token.application, "api_client", None) if token else None
        if token is None or token.is_expired() or client is None or not client.is_usable:
            raise exceptions.AuthenticationFailed(INVALID)
        account = client.service_account
        # Services, selectors and the access log read request.user: the plain Django request
        # gets the client's account too (DRF sets it only on its own wrapper).
        request._request.user = account
        request._request.api_client = client
        request.api_client = client
        request.token_scopes = frozenset(token.scope.split())
        request.authenticated_at = timezone.now()
        return account, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
