from django.urls import path

from hazardloop.checklists import views

app_name = "checklists"
urlpatterns = [
    path("checklists/", views.template_list, name="list"),
    path("checklists/<int:pk>/", views.template_detail, name="detail"),
    path("checklists/<int:pk>/export.xlsx", views.template_export, name="export"),
    path("checklists/<int:pk>/copy/", views.template_copy, name="copy"),
    path("checklists/<int:pk>/import/", views.template_import, name="import"),
    path("checklists/<int:pk>/items/<str:code>/", views.item_edit, name="edit_item"),
]
