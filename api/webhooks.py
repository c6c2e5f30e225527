"""The webhook the portal sends (routing/webhooks.py), described for the OpenAPI document
(SPECTACULAR_SETTINGS["WEBHOOKS"]: a 3.1 `webhooks` entry). Only the description lives here;
tests/api/test_schema.py checks that its fields are the ones routing/webhooks.py sends."""

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from routing.models import Destination
from routing.webhooks import EVENT, IDEMPOTENCY_HEADER, REPLAY_WINDOW_SECONDS, SIGNATURE_HEADER


class CaseRoutedSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=[EVENT])
    delivery_id = serializers.UUIDField(
        help_text="The case's id in this API (GET /api/v1/cases/{delivery_id}/)."
    )
    referral_id = serializers.UUIDField()
    reference = serializers.CharField(help_text="The referral's reference number.")
    organization_id = serializers.UUIDField(help_text="The receiving organization.")
    destination = serializers.ChoiceField(choices=Destination.choices)
    case_url = serializers.URLField(help_text="The case in the portal (people sign in).")
    sent_at = serializers.DateTimeField()


CASE_ROUTED = OpenApiWebhook(
    name=EVENT,
    decorator=extend_schema(
        summary="A confirmed case was routed to your organization",
        description=(
            "The portal POSTs this JSON body to the address your organization registered. It "
            "holds ids, the reference number and a link, never personal details: fetch the "
            f"case with the API. `{SIGNATURE_HEADER}: t=<Unix time>,v1=<hex HMAC-SHA256>` signs "
            "`<t>.<raw body>` with the shared secret: refuse a request whose signature does not "
            f"match or whose time is more than {REPLAY_WINDOW_SECONDS} seconds from your clock. "
            f"`{IDEMPOTENCY_HEADER}` is the same on every retry of one delivery: accept each "
            "key once. Answer 2xx; anything else is retried with growing delays. "
            "docs/webhooks.md has the details and a Python check of the signature."
        ),
        request=CaseRoutedSerializer,
        responses={
            200: OpenApiResponse(description="Received (any 2xx status will do)."),
        },
    ),
)
