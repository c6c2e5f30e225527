"""Referrers' systems: start a draft, fill its steps, attach files, submit, follow the status
and timeline, answer an information request, withdraw. Each view goes through
referrals.selectors (another organization's referral, or another client's draft, is a 404) and
referrals.services (the same rules and events as the pages)."""

import base64
import binascii

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from access_log.models import AccessLog
from referrals import selectors, services
from referrals.followup_forms import AnswerForm, AttachmentForm, WithdrawForm
from referrals.forms import FORM_STEPS, STEP_BY_SLUG, stored_data
from referrals.models import Status

from .. import pagination, scopes
from ..base import ApiView
from ..form_input import errors_of, form_data, serializer_for, shape_errors
from ..serializers import referrals as out

ERRORS = {code: OpenApiResponse(out.ErrorSerializer) for code in (400, 401, 403, 404, 409)}


def _check_shape(fields, data):
    errors = shape_errors(fields, data)
    if errors:
        raise exceptions.ValidationError(errors)


def _validated(form_class, data, **kwargs):
    """Bind the page's form to the JSON body; its messages are the API's field errors."""
    form = form_class(data=form_data(form_class.base_fields, data), **kwargs)
    if not form.is_valid():
        raise exceptions.ValidationError(errors_of(form))
    return form


def _referral_body(referral):
    body = out.ReferralSerializer(referral).data
    request = selectors.open_information_request(referral)
    body["open_information_request"] = (
        out.InformationRequestSerializer(request).data if request is not None else None
    )
    return body


def _conflict(error) -> Response:
    return Response({"detail": str(error) or "Not possible in the referral's state."}, 409)


class ReferralCollection(ApiView):
    required_scopes = {"GET": scopes.REFERRALS_READ, "POST": scopes.REFERRALS_WRITE}

    @extend_schema(
        operation_id="referrals_list",
        summary="The organization's referrals, and this client's drafts, oldest first",
        parameters=pagination.PARAMETERS,
        responses={200: out.ReferralPageSerializer, **ERRORS},
    )
    def get(self, request):
        rows, cursor = pagination.page(
            request,
            selectors.referrals_visible_to(request.user).only(
                "public_id", "reference", "status", "created_at", "submitted_at", "due_at"
            ),
            field="created_at",
        )
        return Response(
            {"results": out.ReferralListItemSerializer(rows, many=True).data, "next_cursor": cursor}
        )

    @extend_schema(
        operation_id="referrals_create",
        summary="Start a draft referral",
        request=inline_serializer("EmptyBody", {}),
        responses={201: out.ReferralSerializer, **ERRORS},
    )
    def post(self, request):
        _check_shape({}, request.data)
        try:
            referral = services.start_draft(user=request.user)
        except PermissionDenied as denied:
            raise exceptions.PermissionDenied(str(denied)) from denied
        return Response(_referral_body(referral), status=201)


class ReferralDetail(ApiView):
    required_scopes = {"GET": scopes.REFERRALS_READ}

    @extend_schema(
        operation_id="referrals_read",
        summary="A referral's status, dates and open information request",
        responses={200: out.ReferralSerializer, **ERRORS},
    )
    def get(self, request, public_id):
        with transaction.atomic():
            referral = selectors.referral_for(request.user, public_id)
            self.log_read(AccessLog.Action.VIEW_REFERRAL, referral=referral)
        return Response(_referral_body(referral))


STEP_BODIES = {
    form.slug: serializer_for(f"{form.__name__}Body", form.base_fields) for form in FORM_STEPS
}


class ReferralStep(ApiView):
    """PATCH: the fields sent change, the others keep what the draft holds; null clears one.
    The step's form checks the whole step (draft rules: well formed, not yet complete)."""

    required_scopes = {"PATCH": scopes.REFERRALS_WRITE}

    @extend_schema(
        operation_id="referrals_step_update",
        summary="Fill one step of a draft (referrer, person, trafficking, needs)",
        description="Steps and their fields: "
        + "; ".join(f"{slug}: {', '.join(form.base_fields)}" for slug, form in STEP_BY_SLUG.items())
        + ". Counties are sent by name.",
        request=STEP_BODIES["person"],
        responses={200: out.StepResultSerializer, **ERRORS},
    )
    def patch(self, request, public_id, step):
        referral = selectors.referral_for(request.user, public_id)
        if step not in STEP_BY_SLUG or referral.created_by_id != request.user.pk:
            raise exceptions.NotFound()
        if referral.status != Status.DRAFT:
            return _conflict("Only a draft can change.")
        form_class = STEP_BY_SLUG[step]
        _check_shape(form_class.base_fields, request.data)
        merged = {**stored_data(form_class(referral=referral))}
        merged.update(form_data(form_class.base_fields, request.data))
        merged = {name: value for name, value in merged.items() if value is not None}
        form = form_class(data=merged, referral=referral)
        if not form.is_valid():
            raise exceptions.ValidationError(errors_of(form))
        try:
            services.save_draft_step(referral=referral, user=request.user, form=form)
        except services.NotAllowed as refused:
            return _conflict(refused)
        return Response({"id": str(referral.public_id), "step": step, "saved": True})


class ReferralAttachments(ApiView):
    required_scopes = {"POST": scopes.REFERRALS_WRITE}
    # base64 makes a file a third larger; plus room for the other fields.
    max_body_bytes = settings.REFERRAL_UPLOAD_MAX_FILE_BYTES * 4 // 3 + 8192

    @extend_schema(
        operation_id="referrals_attachments_create",
        summary="Attach a file to a draft (PDF, JPEG, PNG or DOCX, checked and rebuilt)",
        request=out.AttachmentInSerializer,
        responses={201: out.AttachmentSerializer, 413: out.ErrorSerializer, **ERRORS},
    )
    def post(self, request, public_id):
        referral = selectors.own_draft(request.user, public_id)
        fields = {
            "kind": AttachmentForm.base_fields["kind"],
            "file_name": None,
            "content_base64": None,
        }
        errors = {
            name: ["Unknown field."] if name not in fields else ["Send a string."]
            for name, value in request.data.items()
            if name not in fields or not isinstance(value, str)
        }
        try:
            content = base64.b64decode(request.data.get("content_base64", ""), validate=True)
        except (binascii.Error, ValueError, TypeError):
            errors.setdefault("content_base64", ["Send the file base64-encoded."])
        if errors:
            raise exceptions.ValidationError(errors)
        upload = SimpleUploadedFile(request.data.get("file_name", "") or "attachment", content)
        form = AttachmentForm(
            data={"kind": request.data.get("kind", "")}, files={"file": upload} if content else {}
        )
        if not form.is_valid():
            raise exceptions.ValidationError(
                {"content_base64" if k == "file" else k: v for k, v in errors_of(form).items()}
            )
        try:
            attachment = services.add_attachment(
                referral=referral,
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except services.TooManyAttachments as refused:
            raise exceptions.ValidationError({"content_base64": [str(refused)]}) from refused
        except services.NotAllowed as refused:
            return _conflict(refused)
        return Response(out.AttachmentSerializer(attachment).data, status=201)


class ReferralSubmit(ApiView):
    required_scopes = {"POST": scopes.REFERRALS_WRITE}

    @extend_schema(
        operation_id="referrals_submit",
        summary="Submit a draft: every rule of the wizard is checked again",
        description="400 lists every broken rule as errors[step][field].",
        request=inline_serializer(
            "SubmitBody",
            {
                "version": serializers.IntegerField(
                    required=False, help_text="The version read; a changed draft is a 409."
                )
            },
        ),
        responses={200: out.ReferralSerializer, **ERRORS},
    )
    def post(self, request, public_id):
        _check_shape({"version": WithdrawForm.base_fields["version"]}, request.data)
        referral = selectors.referral_for(request.user, public_id)
        if referral.created_by_id != request.user.pk:
            raise exceptions.NotFound()
        try:
            referral = services.submit_referral(
                referral=referral,
                user=request.user,
                expected_version=request.data.get("version"),
            )
        except services.SubmissionIncomplete as incomplete:
            raise exceptions.ValidationError(incomplete.problems) from incomplete
        except (services.StaleReferral, services.NotAllowed) as refused:
            return _conflict(refused)
        except PermissionDenied as denied:
            raise exceptions.PermissionDenied(str(denied)) from denied
        return Response(_referral_body(referral))


class ReferralTimeline(ApiView):
    required_scopes = {"GET": scopes.REFERRALS_READ}

    @extend_schema(
        operation_id="referrals_timeline",
        summary="The referral's timeline, as the referrer sees it",
        responses={200: out.TimelineSerializer, **ERRORS},
    )
    def get(self, request, public_id):
        with transaction.atomic():
            referral = selectors.referral_for(request.user, public_id)
            self.log_read(AccessLog.Action.VIEW_REFERRAL, referral=referral)
            events = list(selectors.timeline_for(request.user, referral))
        return Response(
            {
                "id": str(referral.public_id),
                "events": out.TimelineEventSerializer(events, many=True).data,
            }
        )


class InformationRequestAnswer(ApiView):
    required_scopes = {"POST": scopes.REFERRALS_WRITE}
    fields = {"response": AnswerForm.base_fields["response"]}

    @extend_schema(
        operation_id="referrals_information_request_answer",
        summary="Answer the reviewer's information request (text)",
        request=serializer_for("AnswerBody", fields),
        responses={200: out.ReferralSerializer, **ERRORS},
    )
    def post(self, request, public_id, request_id):
        referral = selectors.referral_for(request.user, public_id)
        information_request = get_object_or_404(
            referral.information_requests.all(), public_id=request_id
        )
        _check_shape(self.fields, request.data)
        form = _validated(AnswerForm, request.data)
        try:
            services.answer_information_request(
                information_request=information_request,
                user=request.user,
                response=form.cleaned_data["response"],
            )
        except services.NotAllowed as refused:
            return _conflict(refused)
        referral.refresh_from_db()
        return Response(_referral_body(referral))


class ReferralWithdraw(ApiView):
    required_scopes = {"POST": scopes.REFERRALS_WRITE}
    fields = {name: WithdrawForm.base_fields[name] for name in ("reason", "version")}

    @extend_schema(
        operation_id="referrals_withdraw",
        summary="Withdraw a submitted referral",
        request=serializer_for("WithdrawBody", fields),
        responses={200: out.ReferralSerializer, **ERRORS},
    )
    def post(self, request, public_id):
        referral = selectors.referral_for(request.user, public_id)
        _check_shape(self.fields, request.data)
        data = {"version": referral.version, **request.data}
        form = _validated(WithdrawForm, data)
        try:
            referral = services.withdraw_referral(
                referral=referral,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except (services.StaleReferral, services.NotAllowed) as refused:
            return _conflict(refused)
        return Response(_referral_body(referral))
