from django.urls import path

from hazardloop.accidents import views

app_name = "accidents"
urlpatterns = [
    path("accidents/", views.accident_list, name="list"),
    path("accidents/new/", views.accident_create, name="create"),
    path("accidents/figures/", views.accident_stats, name="stats"),
    path("accidents/<int:pk>/", views.accident_detail, name="detail"),
    path("accidents/<int:pk>/update/", views.accident_update, name="update"),
    path("accidents/<int:pk>/chain/<int:seq>/<slug:action>/", views.step_act, name="step"),
]
