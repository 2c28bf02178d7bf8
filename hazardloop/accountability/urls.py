from django.urls import path

from hazardloop.accountability import views

app_name = "accountability"
urlpatterns = [
    path("accountability/", views.case_list, name="list"),
    path("accountability/new/", views.case_create, name="create"),
    path("accountability/<int:pk>/", views.case_detail, name="detail"),
    path("accountability/<int:pk>/act/", views.case_act, name="act"),
]
