from django.urls import path

from hazardloop.obligations import views

app_name = "obligations"
urlpatterns = [
    path("duties/unit/<int:unit_id>/", views.unit_duties, name="unit"),
    path("duties/unit/<int:unit_id>/patrol/", views.patrol, name="patrol"),
    path("duties/unit/<int:unit_id>/hours/", views.opening_hours, name="hours"),
    path("duties/lapsed/", views.lapsed, name="lapsed"),
]
