"""What every API view shares: bearer-token authentication, scope checks, the per-client rate
limit, JSON in and out, Idempotency-Key on POST, ETags on reads, usage counts, and the access
log for reads of personal data. Views subclass ApiView and stay thin: parse, call a service or
a selector, answer."""

import hashlib
import json
import time

from django.conf import settings
from django.http import HttpResponseNotModified
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from access_log.services import record_access
from referral_portal.ratelimits import hit, parse_rate

from . import idempotency, services
from .authentication import ApiClientTokenAuthentication
from .parsers import StrictJSONParser
from .permissions import HasScope


class ApiView(APIView):
    authentication_classes = [ApiClientTokenAuthentication]
    permission_classes = [HasScope]
    parser_classes = [StrictJSONParser]
    renderer_classes = [JSONRenderer]
    # method -> scope, e.g. {"GET": scopes.CASES_READ}
    required_scopes: dict[str, str] = {}
    max_body_bytes: int | None = None  # None: settings.API_MAX_BODY_BYTES

    # --- before the handler ------------------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, scopes
        rate = settings.API_REQUESTS_PER_CLIENT
        if hit(request, key="user", rate=rate, group="api"):
            _, period = parse_rate(rate)
            raise exceptions.Throttled(wait=period - int(time.time()) % period)
        if request.method == "POST" and not idempotency.valid_key(
            request.headers.get(idempotency.HEADER)
        ):
            raise exceptions.ValidationError({idempotency.HEADER: [idempotency.KEY_ERROR]})

    def dispatch(self, request, *args, **kwargs):
        """DRF's dispatch, with POST handlers run once per Idempotency-Key."""
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            handler = self.http_method_not_allowed
            if request.method.lower() in self.http_method_names:
                handler = getattr(self, request.method.lower(), self.http_method_not_allowed)
            if request.method == "POST" and handler != self.http_method_not_allowed:
                request.data  # noqa: B018 - a body that does not parse is refused before the key
                response = idempotency.run_once(
                    client=request.api_client,
                    key=request.headers[idempotency.HEADER],
                    request=request,
                    handle=lambda: self._answer(handler, request, *args, **kwargs),
                )
            else:
                response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - DRF's own pattern: turned into a response
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    def _answer(self, handler, request, *args, **kwargs):
        try:
            return handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a refusal is an answer, stored like any other
            return self.handle_exception(exc)

    # --- after the handler -------------------------------------------------------------------
    def finalize_response(self, request, response, *args, **kwargs):
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response = self._with_etag(request, response)
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        client = getattr(request, "api_client", None)
        if client is not None:
            services.record_use(client=client, status_code=response.status_code)
        return response

    def _with_etag(self, request, response):
        if not isinstance(response, Response) or response.data is None:
            return response
        body = json.dumps(response.data, sort_keys=True, separators=(",", ":"), default=str)
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
        response["ETag"] = etag
        return response

    # --- helpers for views -------------------------------------------------------------------
    def log_read(self, action: str, *, referral, obj=None) -> None:
        """Every read of personal data: one access-log row naming the client."""
        client = self.request.api_client
        record_access(
            request=self.request,
            action=action,
            referral=referral,
            obj=obj,
            detail=f"API client {client.public_id} ({client.name})",
        )
