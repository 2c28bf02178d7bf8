from django.urls import path

from hazardloop.training import certificates_views as views
from hazardloop.training import control_room_views

app_name = "certificates"
urlpatterns = [
    path("certificates/unit/<int:unit_id>/", views.unit_certificates, name="unit"),
    path("certificates/unit/<int:unit_id>/new/", views.certificate_create, name="create"),
    path("certificates/<int:pk>/edit/", views.certificate_edit, name="edit"),
    path("certificates/<int:pk>/renew/", views.certificate_renew, name="renew"),
    path("certificates/expiring/", views.expiring, name="expiring"),
    path(
        "certificates/unit/<int:unit_id>/control-room/new/",
        control_room_views.shift_form,
        name="shift_create",
    ),
    path("certificates/control-room/<int:pk>/", control_room_views.shift_form, name="shift_edit"),
]
