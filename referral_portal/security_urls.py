from django.urls import path

from . import operations_views, security_views

app_name = "security"

urlpatterns = [
    path("access-log/", security_views.access_log, name="access_log"),
    path("access-log/export/", security_views.access_log_export, name="access_log_export"),
    path("operations/", operations_views.operations_page, name="operations"),
]
