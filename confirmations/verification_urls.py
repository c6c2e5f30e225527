from django.urls import path

from . import verification_views

app_name = "verification"

urlpatterns = [path("", verification_views.verify, name="verify")]
