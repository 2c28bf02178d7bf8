from django.urls import path

from hazardloop.regions import views

app_name = "regions"
urlpatterns = [
    path("regions/", views.tree, name="tree"),
    path("regions/<str:code>/", views.tree, name="detail"),
]
