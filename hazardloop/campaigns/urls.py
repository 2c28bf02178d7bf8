from django.urls import path

from hazardloop.campaigns import task_views, views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/pick/", views.campaign_pick, name="pick"),
    path("campaigns/pick/regions/", views.pick_regions, name="pick_regions"),
    path("campaigns/pick/checklists/", views.pick_checklists, name="pick_checklists"),
    path("campaigns/pick/inspectors/", views.pick_inspectors, name="pick_inspectors"),
    path("campaigns/<int:pk>/pick/members/", views.pick_members, name="pick_members"),
    path("campaigns/new/", views.campaign_create, name="create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/task-list/", task_views.task_list, name="tasks"),
    path("campaigns/<int:pk>/task-list/assign/", task_views.assign_tasks, name="assign_tasks"),
    path("campaigns/<int:pk>/progress.xlsx", views.progress_export, name="progress_export"),
    path("campaigns/tasks/mine/", task_views.my_tasks, name="my_tasks"),
    path("campaigns/tasks/<int:pk>/", task_views.task_detail, name="task"),
    path("campaigns/<int:pk>/<slug:action>/", views.campaign_act, name="act"),
    path("campaigns/draws/<int:pk>/", views.draw_detail, name="draw"),
    path("campaigns/draws/<int:pk>/result.xlsx", views.draw_export, name="draw_export"),
]
