from django.urls import path

from hazardloop.reports import audit_views as views

app_name = "audit"
urlpatterns = [
    path("audit/", views.event_list, name="list"),
    path("audit/<int:seq>/", views.event_detail, name="event"),
]
