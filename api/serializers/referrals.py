"""What the API answers about referrals: status, dates, the open question, the timeline.
Output only; what a client sends is checked by the wizard's forms (api/form_input.py)."""

from rest_framework import serializers

from referrals.models import AttachmentKind, EventKind, Status


class InformationRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reasons = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
    requested_at = serializers.DateTimeField()


class ReferralSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    version = serializers.IntegerField(
        help_text="Send it back with a withdrawal to refuse a stale one."
    )
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    open_information_request = InformationRequestSerializer(allow_null=True, required=False)


class ReferralListItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)


class ReferralPageSerializer(serializers.Serializer):
    results = ReferralListItemSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    label = serializers.CharField(source="get_kind_display")
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class TimelineSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    events = TimelineEventSerializer(many=True)


class AttachmentInSerializer(serializers.Serializer):
    """Documents the attachment body; api/views/referrals.py checks it with AttachmentForm."""

    kind = serializers.ChoiceField(
        choices=[AttachmentKind.CONSENT_FORM, AttachmentKind.POLICE_REPORT, AttachmentKind.OTHER]
    )
    file_name = serializers.CharField(help_text="With its extension: .pdf, .jpg, .png, .docx")
    content_base64 = serializers.CharField(help_text="The file, base64-encoded.")


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class StepResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    step = serializers.CharField()
    saved = serializers.BooleanField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)
