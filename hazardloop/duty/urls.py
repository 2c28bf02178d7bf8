from django.urls import path

from hazardloop.duty import views

app_name = "duty"
urlpatterns = [
    path("duty/", views.index, name="index"),
    path("duty/now/", views.now_page, name="now"),
    path("duty/mine/", views.mine, name="mine"),
    path("duty/rosters/new/", views.roster_create, name="roster_new"),
    path("duty/rosters/<int:pk>/", views.roster_detail, name="roster"),
    path("duty/rosters/<int:pk>/settings/", views.roster_settings, name="roster_settings"),
    path("duty/rosters/<int:pk>/fill/", views.roster_fill, name="fill"),
    path("duty/rosters/<int:pk>/leader/", views.roster_leader, name="leader"),
    path("duty/rosters/<int:pk>/export/", views.roster_export, name="export"),
    path("duty/exports/<int:pk>/", views.export_job, name="export_job"),
    path("duty/exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("duty/shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("duty/shifts/<int:pk>/people/", views.shift_officers, name="shift_people"),
    path("duty/shifts/<int:pk>/check-in/", views.shift_check_in, name="check_in"),
    path("duty/shifts/<int:pk>/handover/", views.shift_handover, name="handover"),
    path(
        "duty/shifts/<int:pk>/handover/confirm/",
        views.shift_handover_confirm,
        name="handover_confirm",
    ),
    path("duty/shifts/<int:pk>/swap/", views.shift_swap, name="swap"),
    path("duty/swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
    path("duty/periods/new/", views.period_create, name="period_new"),
]
