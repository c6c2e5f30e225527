from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("refresh/", views.refresh, name="refresh"),
    path("cases/", views.cases, name="cases"),
    path("export/<slug:table>.<slug:extension>", views.export, name="export"),
    path("task-force/<int:year>.pdf", views.task_force_report, name="task_force"),
    path("scorecard/", views.my_scorecard, name="my_scorecard"),
    path("scorecard/<uuid:organization>/", views.scorecard, name="scorecard"),
]
