from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("apply/", views.apply, name="apply"),
    path("apply/received/", views.apply_received, name="apply_received"),
    path("invitation/", views.accept_invitation, name="accept_invitation"),
    path("invitation/<str:token>/", views.invitation_link, name="invitation_link"),
    path("invitations/<uuid:public_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<uuid:public_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("people/<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:public_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<uuid:public_id>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        "people/<uuid:public_id>/release-lockout/",
        views.person_release_lockout,
        name="person_release_lockout",
    ),
    path(
        "people/<uuid:public_id>/end-sessions/",
        views.person_end_sessions,
        name="person_end_sessions",
    ),
    path("<uuid:public_id>/", views.organization_detail, name="organization_detail"),
    path("<uuid:public_id>/status/", views.organization_status, name="organization_status"),
    path("<uuid:public_id>/invite/", views.invite, name="invite"),
]
