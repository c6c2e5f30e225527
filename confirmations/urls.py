from django.urls import path

from . import break_glass_views, decision_views, views

app_name = "confirmations"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:public_id>/", views.case, name="case"),
    path("<uuid:public_id>/claim/", views.claim, name="claim"),
    path("<uuid:public_id>/break-glass/", break_glass_views.break_glass_page, name="break_glass"),
    path("<uuid:public_id>/release/", views.release, name="release"),
    path("<uuid:public_id>/reassign/", views.reassign, name="reassign"),
    path(
        "<uuid:public_id>/request-information/",
        views.request_information,
        name="request_information",
    ),
    path("<uuid:public_id>/consultation/", views.consultation, name="consultation"),
    path("<uuid:public_id>/extension/", views.extension, name="extension"),
    path("<uuid:public_id>/confirm/", decision_views.confirm, name="confirm"),
    path("<uuid:public_id>/decline/", decision_views.decline, name="decline"),
    path("<uuid:public_id>/appeal/", decision_views.appeal, name="appeal"),
]
