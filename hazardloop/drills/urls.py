from django.urls import path

from hazardloop.drills import views

app_name = "drills"
urlpatterns = [
    path("drills/", views.drill_list, name="list"),
    path("drills/unit/<int:unit_id>/new/", views.drill_new, name="new"),
    path("drills/<int:pk>/", views.drill_detail, name="detail"),
    path("drills/plans/<int:pk>/file/", views.plan_file, name="plan"),
]
