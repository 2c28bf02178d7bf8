from django.urls import path

from hazardloop.units import views, views_io

app_name = "units"
urlpatterns = [
    path("units/", views.unit_list, name="list"),
    path("units/pick/", views.unit_pick, name="pick"),
    path("units/new/", views.unit_create, name="create"),
    path("units/<int:pk>/", views.unit_detail, name="detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="edit"),
    path("units/<int:pk>/risk/", views.unit_risk, name="risk"),
    path("units/<int:pk>/qr.svg", views.unit_qr_svg, name="qr_svg"),
    path("units/<int:pk>/qr.png", views.unit_qr_png, name="qr_png"),
    path("units/import/", views_io.import_start, name="import"),
    path("units/import/template.xlsx", views_io.import_template, name="import_template"),
    path("units/export/", views_io.export_start, name="export"),
    path("units/export.xlsx", views_io.export_stream, name="export_stream"),
    path("units/jobs/<int:pk>/", views_io.job_detail, name="job"),
    path("units/jobs/<int:pk>/commit/", views_io.job_commit, name="job_commit"),
    path("units/jobs/<int:pk>/mapping/", views_io.job_remap, name="job_remap"),
    path("units/jobs/<int:pk>/download/", views_io.job_download, name="job_download"),
    path("u/<str:public_id>/", views.unit_public, name="public"),
]
