from django.urls import path

from hazardloop.evidence import views

app_name = "evidence"
urlpatterns = [
    path("evidence/photos/<int:pk>/", views.photo, name="photo"),
    path("evidence/photos/<int:pk>/thumb/", views.thumb, name="thumb"),
]
