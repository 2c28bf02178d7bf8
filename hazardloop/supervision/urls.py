from django.urls import path

from hazardloop.supervision import views

app_name = "supervision"
urlpatterns = [
    path(
        "supervision/hazards/<int:hazard_id>/documents/",
        views.hazard_documents,
        name="hazard_documents",
    ),
    path("supervision/hazards/<int:hazard_id>/documents/new/", views.issue, name="issue"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/serve/", views.serve, name="serve"),
    path("d/<str:token>/", views.verify, name="verify"),
    path("listed/", views.listed, name="listed"),
]
