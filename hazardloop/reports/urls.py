from django.urls import path

from hazardloop.reports import views

app_name = "reports"
urlpatterns = [path("overview/", views.home, name="home")]
