from django.urls import path

from hazardloop.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("workbench/hazards/<int:pk>/<slug:action>/", views.act, name="act"),
]
