from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import health, metrics, views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Referral Portal administration"
admin.site.site_title = "Referral Portal administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/detail", health.healthz_detail, name="healthz_detail"),
    path("metrics", metrics.metrics, name="metrics"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
    path("accounts/", include("allauth.account.urls")),
    path("accounts/mfa/", include("allauth.mfa.urls")),
    path("accounts/sessions/", include("allauth.usersessions.urls")),
    path("organizations/", include("accounts.urls")),
    path("referrals/", include("referrals.urls")),
    path("review/", include("confirmations.urls")),
    path("verify/", include("confirmations.verification_urls")),
    path("cases/", include("routing.urls")),
    path("reports/", include("reports.urls")),
    path("security/access-log/", include("access_log.urls")),
    path("security/", include("referral_portal.security_urls")),
    path("api/", include("api.urls")),
    path("manage/", admin.site.urls),
]
