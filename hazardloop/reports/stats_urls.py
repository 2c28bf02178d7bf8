from django.urls import path

from hazardloop.reports import dashboard_views as views

app_name = "stats"
urlpatterns = [
    path("stats/", views.dashboard, name="dashboard"),
    path("stats/screen/", views.screen, name="screen"),
    path("stats/reports/", views.archive, name="archive"),
    path("stats/reports/new/", views.generate, name="generate"),
    path("stats/reports/<int:pk>/<slug:fmt>/", views.report_file, name="report_file"),
]
