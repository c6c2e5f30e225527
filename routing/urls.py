from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("deliveries/<uuid:public_id>/resend/", views.delivery_resend, name="delivery_resend"),
    path("<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("<uuid:public_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<uuid:public_id>/outcome/", views.report_outcome, name="report_outcome"),
    path(
        "<uuid:public_id>/notices/<uuid:notice_id>/",
        views.notice_download,
        name="notice_download",
    ),
]
