from django.urls import path

from hazardloop.tips import views

app_name = "tips"
urlpatterns = [
    path("u/<str:public_id>/tip/", views.unit_tip, name="unit_tip"),
    path("report/", views.province_tip, name="new"),
    path("report/track/", views.track, name="track"),
    path("report/track/<str:code>/", views.tracked, name="tracked"),
    path("tips/", views.tip_list, name="list"),
    path("tips/<int:pk>/", views.tip_detail, name="detail"),
    path("tips/<int:pk>/triage/", views.tip_triage, name="triage"),
]
