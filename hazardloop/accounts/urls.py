from django.urls import path

from hazardloop.accounts import people_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.profile, name="profile"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("account/password/", views.password_required, name="password_required"),
    path("account/reset/<str:uidb64>/<str:token>/", views.reset_link, name="reset_link"),
    path("people/", people_views.people_list, name="people"),
    path("people/new/", people_views.person_new, name="person_new"),
    path("people/import/", people_views.people_import_view, name="people_import"),
    path("people/units/", people_views.unit_picker, name="unit_picker"),
    path("people/<int:pk>/", people_views.person_detail, name="person"),
    path("people/<int:pk>/edit/", people_views.person_edit, name="person_edit"),
    path("people/<int:pk>/roles/", people_views.grant_add, name="grant_add"),
    path(
        "people/<int:pk>/roles/<int:membership_id>/end/",
        people_views.membership_end,
        name="membership_end",
    ),
    path("people/<int:pk>/password/", people_views.person_reset, name="person_reset"),
    path("people/<int:pk>/active/", people_views.person_active, name="person_active"),
]
