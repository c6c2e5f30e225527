from django.urls import path

from . import views

app_name = "access_log"

urlpatterns = [
    path("", views.search, name="search"),
    path("export/", views.export, name="export"),
]
