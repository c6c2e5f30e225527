"""/api/: the token endpoint, version 1 of the API, and its documentation for signed-in people.
Access rules: referral_portal/access.py (the API's views check the bearer token and its scope
themselves: rule TOKEN)."""

from django.urls import include, path

from .oauth import ClientCredentialsTokenView
from .views import cases, clients, docs, referrals

app_name = "api"

v1 = [
    path("referrals/", referrals.ReferralCollection.as_view(), name="referrals"),
    path("referrals/<uuid:public_id>/", referrals.ReferralDetail.as_view(), name="referral"),
    path(
        "referrals/<uuid:public_id>/steps/<slug:step>/",
        referrals.ReferralStep.as_view(),
        name="referral_step",
    ),
    path(
        "referrals/<uuid:public_id>/attachments/",
        referrals.ReferralAttachments.as_view(),
        name="referral_attachments",
    ),
    path(
        "referrals/<uuid:public_id>/submit/",
        referrals.ReferralSubmit.as_view(),
        name="referral_submit",
    ),
    path(
        "referrals/<uuid:public_id>/timeline/",
        referrals.ReferralTimeline.as_view(),
        name="referral_timeline",
    ),
    path(
        "referrals/<uuid:public_id>/information-requests/<uuid:request_id>/answer/",
        referrals.InformationRequestAnswer.as_view(),
        name="referral_answer",
    ),
    path(
        "referrals/<uuid:public_id>/withdraw/",
        referrals.ReferralWithdraw.as_view(),
        name="referral_withdraw",
    ),
    path("cases/", cases.CaseCollection.as_view(), name="cases"),
    path("cases/<uuid:public_id>/", cases.CaseDetail.as_view(), name="case"),
    path(
        "cases/<uuid:public_id>/notices/<uuid:notice_id>/",
        cases.CaseNotice.as_view(),
        name="case_notice",
    ),
    path(
        "cases/<uuid:public_id>/acknowledge/",
        cases.CaseAcknowledge.as_view(),
        name="case_acknowledge",
    ),
    path("cases/<uuid:public_id>/outcome/", cases.CaseOutcome.as_view(), name="case_outcome"),
]

urlpatterns = [
    path("oauth/token/", ClientCredentialsTokenView.as_view(), name="token"),
    path("v1/", include(v1)),
    # for people, with a session: the documentation and the client management pages
    path("docs/", docs.documentation, name="docs"),
    path("docs/openapi.yaml", docs.schema_file, name="schema"),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/<uuid:organization_id>/", clients.client_create, name="client_create"),
    path("clients/<uuid:public_id>/rotate/", clients.client_rotate, name="client_rotate"),
    path("clients/<uuid:public_id>/revoke/", clients.client_revoke, name="client_revoke"),
    path("clients/all/", clients.client_overview, name="client_overview"),
]
