from django.urls import path

from . import views, wizard_views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", wizard_views.start, name="start"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/<slug:slug>/", wizard_views.step, name="step"),
    path(
        "<uuid:public_id>/edit/attachments/<uuid:attachment_id>/remove/",
        wizard_views.remove_attachment,
        name="attachment_remove",
    ),
    path("<uuid:public_id>/review/", wizard_views.review, name="review"),
    path("<uuid:public_id>/discard/", wizard_views.discard, name="discard"),
    path("<uuid:public_id>/submitted/", views.submitted, name="submitted"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:public_id>/requests/<uuid:request_id>/answer/", views.answer, name="answer"),
    path("files/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
    path("notices/<uuid:notice_id>/", views.notice_download, name="notice"),
]
