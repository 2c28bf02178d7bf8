from django.urls import path

from hazardloop.inspections import views

app_name = "inspections"
urlpatterns = [
    path("inspections/", views.inspection_list, name="list"),
    path("inspections/new/", views.inspection_new, name="new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="detail"),
    path("inspections/<int:pk>/record.pdf", views.inspection_pdf, name="pdf"),
    path("inspections/<int:pk>/amend/", views.inspection_amend, name="amend"),
    path("inspections/unit/<int:unit_id>/", views.unit_panel, name="unit_panel"),
]
