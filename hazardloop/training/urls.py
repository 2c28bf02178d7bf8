from django.urls import path

from hazardloop.training import bank, phone, record_views, views

app_name = "training"
urlpatterns = [
    path("training/unit/<int:unit_id>/staff/", views.staff, name="staff"),
    path("training/unit/<int:unit_id>/staff/add/", views.staff_add, name="staff_add"),
    path("training/unit/<int:unit_id>/staff/import/", views.staff_import, name="staff_import"),
    path(
        "training/unit/<int:unit_id>/staff/template.xlsx",
        views.staff_template,
        name="staff_template",
    ),
    path("training/unit/<int:unit_id>/staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("training/unit/<int:unit_id>/staff/<int:pk>/left/", views.staff_left, name="staff_left"),
    path(
        "training/unit/<int:unit_id>/staff/<int:pk>/practical/",
        views.practical,
        name="practical",
    ),
    path("training/unit/<int:unit_id>/", record_views.training_list, name="list"),
    path("training/unit/<int:unit_id>/new/", record_views.training_new, name="new"),
    path("training/<int:pk>/", record_views.training_detail, name="detail"),
    path("training/quiz-bank/", bank.bank, name="bank"),
    path("training/quiz-bank/new/", bank.question, name="question_new"),
    path("training/quiz-bank/<int:pk>/", bank.question, name="question"),
    path("t/s/<str:token>/", phone.sign, name="sign"),
    path("t/q/<str:token>/", phone.take_quiz, name="quiz"),
]
