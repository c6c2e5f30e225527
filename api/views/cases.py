"""Receiving agencies' systems: the cases routed to their organization (new since a cursor),
one case, its notice, acknowledging receipt, reporting contact attempts and the outcome. Each
view goes through routing.selectors (a case routed elsewhere is a 404) and routing.services."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions
from rest_framework.response import Response

from access_log.models import AccessLog
from referrals import downloads
from routing import selectors, services
from routing.forms import ContactAttemptFormSet, OutcomeForm, outcome_from

from .. import pagination, scopes
from ..base import ApiView
from ..form_input import errors_of, form_data, shape_errors
from ..serializers import cases as out
from ..serializers.referrals import ErrorSerializer

ERRORS = {code: OpenApiResponse(ErrorSerializer) for code in (400, 401, 403, 404)}
ATTEMPT_FIELDS = ("attempted_on", "method")


class CaseCollection(ApiView):
    required_scopes = {"GET": scopes.CASES_READ}

    @extend_schema(
        operation_id="cases_list",
        summary="Cases routed to the organization, in order of arrival (poll with next_cursor)",
        parameters=pagination.PARAMETERS,
        responses={200: out.CasePageSerializer, **ERRORS},
    )
    def get(self, request):
        rows, cursor = pagination.page(
            request, selectors.cases_for(request.user), field="portal_delivered_at"
        )
        return Response(
            {"results": out.CaseListItemSerializer(rows, many=True).data, "next_cursor": cursor}
        )


class CaseDetail(ApiView):
    required_scopes = {"GET": scopes.CASES_READ}

    @extend_schema(
        operation_id="cases_read",
        summary="One case, with what the agency needs to reach the person",
        responses={200: out.CaseSerializer, **ERRORS},
    )
    def get(self, request, public_id):
        with transaction.atomic():
            delivery = selectors.case_for(request.user, public_id)
            self.log_read(AccessLog.Action.VIEW_CASE, referral=delivery.referral)
        body = out.CaseSerializer(delivery).data
        county = delivery.referral.county_of_residence
        body["person"]["county_of_residence"] = county.name if county else None
        return Response(body)


class CaseNotice(ApiView):
    required_scopes = {"GET": scopes.CASES_READ}

    @extend_schema(
        operation_id="cases_notice_download",
        summary="Download the confirmation notice (PDF)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS},
    )
    def get(self, request, public_id, notice_id):
        with transaction.atomic():
            notice = selectors.notice_for(request.user, public_id, notice_id)
            self.log_read(AccessLog.Action.DOWNLOAD_NOTICE, referral=notice.referral, obj=notice)
            return downloads.notice_response(notice)


class CaseAcknowledge(ApiView):
    required_scopes = {"POST": scopes.CASES_WRITE}

    @extend_schema(
        operation_id="cases_acknowledge",
        summary="Acknowledge receipt (a second call changes nothing)",
        request=inline_serializer("AcknowledgeBody", {}),
        responses={200: out.AcknowledgedSerializer, **ERRORS},
    )
    def post(self, request, public_id):
        delivery = selectors.case_for(request.user, public_id)
        errors = shape_errors({}, request.data)
        if errors:
            raise exceptions.ValidationError(errors)
        delivery = services.acknowledge_delivery(delivery=delivery, actor=request.user)
        return Response(out.AcknowledgedSerializer(delivery).data)


def _attempt_errors(attempts) -> dict:
    if not isinstance(attempts, list) or not all(isinstance(item, dict) for item in attempts):
        return {"attempts": ["Send a list of objects with attempted_on and method."]}
    errors = {}
    fields = ContactAttemptFormSet.form.base_fields
    for index, item in enumerate(attempts):
        for name, messages in shape_errors(fields, item).items():
            errors[f"attempts[{index}].{name}"] = messages
    return errors


def _formset_data(attempts) -> dict:
    data = {
        "attempts-TOTAL_FORMS": str(len(attempts)),
        "attempts-INITIAL_FORMS": "0",
        "attempts-MIN_NUM_FORMS": "0",
        "attempts-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(attempts):
        for name, value in form_data(ContactAttemptFormSet.form.base_fields, item).items():
            if value is not None:
                data[f"attempts-{index}-{name}"] = value
    return data


class CaseOutcome(ApiView):
    required_scopes = {"POST": scopes.CASES_WRITE}

    @extend_schema(
        operation_id="cases_outcome_report",
        summary="Report contact attempts and the outcome",
        request=out.OutcomeInSerializer,
        responses={201: out.OutcomeReportSerializer, **ERRORS},
    )
    def post(self, request, public_id):
        delivery = selectors.case_for(request.user, public_id)
        body = dict(request.data)
        attempts = body.pop("attempts", [])
        errors = shape_errors(OutcomeForm.base_fields, body)
        errors.update(_attempt_errors(attempts))
        if errors:
            raise exceptions.ValidationError(errors)
        form = OutcomeForm(data=form_data(OutcomeForm.base_fields, body))
        formset = ContactAttemptFormSet(data=_formset_data(attempts), prefix="attempts")
        if not form.is_valid() or not formset.is_valid():
            errors = errors_of(form)
            for index, row in enumerate(formset.errors):
                for name, messages in row.items():
                    errors[f"attempts[{index}].{name}"] = list(messages)
            if formset.non_form_errors():
                errors["attempts"] = list(formset.non_form_errors())
            raise exceptions.ValidationError(errors)
        try:
            report = services.report_outcome(
                delivery=delivery, actor=request.user, **outcome_from(form, formset)
            )
        except services.OutcomeInvalid as invalid:
            raise exceptions.ValidationError(
                {field: [message] for field, message in invalid.errors.items()}
            ) from invalid
        return Response(out.OutcomeReportSerializer(report).data, status=201)
