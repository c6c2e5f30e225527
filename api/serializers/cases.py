"""What the API answers about cases routed to a receiving agency: a list without personal
data, and one case with what the agency needs to reach the person."""

from rest_framework import serializers

from referrals.models import Service
from routing.models import ContactMethod, Outcome


class CaseListItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField(source="referral.reference")
    destination = serializers.CharField()
    delivered_at = serializers.DateTimeField(source="portal_delivered_at")
    acknowledge_due_at = serializers.DateTimeField(allow_null=True)
    first_contact_due_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    first_outcome_at = serializers.DateTimeField(allow_null=True)


class CasePageSerializer(serializers.Serializer):
    results = CaseListItemSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class PersonSerializer(serializers.Serializer):
    legal_name = serializers.CharField()
    other_names = serializers.CharField(allow_blank=True)
    date_of_birth = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    preferred_language = serializers.CharField(allow_blank=True)
    interpreter_needed = serializers.BooleanField()
    county_of_residence = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    safe_contact_notes = serializers.CharField(allow_blank=True)
    safe_to_call = serializers.BooleanField()
    safe_to_text = serializers.BooleanField()
    services_needed = serializers.ListField(child=serializers.ChoiceField(Service.choices))
    services_other = serializers.CharField(allow_blank=True)


class NoticeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    # The person's notice comes in English and, for the twelve languages, in theirs too.
    language = serializers.CharField()


class ContactAttemptSerializer(serializers.Serializer):
    attempted_on = serializers.DateField()
    method = serializers.ChoiceField(ContactMethod.choices)


class OutcomeReportSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    outcome = serializers.ChoiceField(Outcome.choices)
    transferred_to = serializers.CharField(allow_blank=True)
    reported_at = serializers.DateTimeField()
    attempts = ContactAttemptSerializer(many=True, source="attempts.all")


class CaseSerializer(CaseListItemSerializer):
    appears_eligible = serializers.BooleanField()
    child_welfare_pathway = serializers.BooleanField()
    person = PersonSerializer(source="referral")
    notices = NoticeSerializer(many=True, source="referral.agency_notices")
    outcome_reports = OutcomeReportSerializer(many=True, source="outcome_reports.all")


class AttemptInSerializer(serializers.Serializer):
    attempted_on = serializers.DateField()
    method = serializers.ChoiceField(ContactMethod.choices)


class OutcomeInSerializer(serializers.Serializer):
    """Documents the outcome body; routing's OutcomeForm and ContactAttemptFormSet check it."""

    outcome = serializers.ChoiceField(Outcome.choices)
    attempts = AttemptInSerializer(many=True, required=False)
    transferred_to = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AcknowledgedSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    acknowledged_at = serializers.DateTimeField()
