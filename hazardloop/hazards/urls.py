from django.urls import path

from hazardloop.hazards import record, views

app_name = "hazards"
urlpatterns = [
    path("hazards/", views.ledger, name="list"),
    path("hazards/export/", views.export, name="export"),
    path("hazards/exports/<int:pk>/", views.export_job, name="export_job"),
    path("hazards/exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("hazards/new/", record.choose_unit, name="record_choose"),
    path("hazards/units/<int:unit_id>/new/", record.record, name="record"),
    path("hazards/<int:pk>/", views.detail, name="detail"),
    path("hazards/<int:pk>/experts/", views.expert_picker, name="expert_picker"),
    path("hazards/<int:pk>/<slug:action>/", views.act, name="act"),
    path("hazards/units/<int:unit_id>/panel/", views.unit_panel, name="unit_panel"),
]
