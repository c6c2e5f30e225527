from django.urls import path

from . import operations_views

app_name = "security"

urlpatterns = [
    path("operations/", operations_views.operations_page, name="operations"),
]
