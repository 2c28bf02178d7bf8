from django.urls import path

from hazardloop.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.profile, name="profile"),
    path("account/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
