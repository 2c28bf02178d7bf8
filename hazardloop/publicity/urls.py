from django.urls import path

from hazardloop.publicity import views

app_name = "publicity"
urlpatterns = [
    path("publicity/", views.activity_list, name="list"),
    path("publicity/new/", views.activity_new, name="new"),
    path("publicity/<int:pk>/", views.activity_detail, name="detail"),
    path("publicity/<int:pk>/file/", views.activity_file, name="file"),
]
