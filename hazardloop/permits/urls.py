from django.urls import path

from hazardloop.permits import views

app_name = "permits"
urlpatterns = [
    path("permits/", views.permit_list, name="list"),
    path("permits/new/", views.permit_new, name="new"),
    path("permits/<int:pk>/", views.permit_detail, name="detail"),
    path("permits/<int:pk>/act/", views.permit_act, name="act"),
]
