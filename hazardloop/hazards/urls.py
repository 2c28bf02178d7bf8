from django.urls import path

from hazardloop.hazards import calendar_views, judging_views, record, views

app_name = "hazards"
urlpatterns = [
    path("hazards/", views.ledger, name="list"),
    path("hazards/export/", views.export, name="export"),
    path("hazards/bulk-order/", views.bulk_order, name="bulk_order"),
    path("hazards/exports/<int:pk>/", views.export_job, name="export_job"),
    path("hazards/exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("hazards/new/", record.choose_unit, name="record_choose"),
    path("hazards/units/<int:unit_id>/new/", record.record, name="record"),
    path("hazards/rule-sets/", judging_views.rule_sets, name="rule_sets"),
    path("hazards/rule-sets/new/", judging_views.rule_set_edit, name="rule_set_new"),
    path("hazards/rule-sets/<int:pk>/", judging_views.rule_set_detail, name="rule_set"),
    path("hazards/rule-sets/<int:pk>/edit/", judging_views.rule_set_edit, name="rule_set_edit"),
    path("hazards/exclusions/", judging_views.exclusions, name="exclusions"),
    path("hazards/exclusions/<int:pk>/end/", judging_views.exclusion_end, name="exclusion_end"),
    path("hazards/<int:pk>/determination/", judging_views.determination, name="determination"),
    path("hazards/<int:pk>/exclusion/", judging_views.exclusion_new, name="exclusion_new"),
    path("hazards/<int:pk>/", views.detail, name="detail"),
    path("hazards/<int:pk>/experts/", views.expert_picker, name="expert_picker"),
    path("hazards/<int:pk>/<slug:action>/", views.act, name="act"),
    path("hazards/units/<int:unit_id>/panel/", views.unit_panel, name="unit_panel"),
    # Holiday calendars and deadline policies (calendar_views.py).
    path("deadlines/", calendar_views.overview, name="calendars"),
    path("deadlines/calendars/upload/", calendar_views.year_upload, name="calendar_upload"),
    path("deadlines/calendars/<int:year>/", calendar_views.year_edit, name="calendar_year"),
    path("deadlines/policies/new/", calendar_views.policy_new, name="policy_new"),
    path("deadlines/policies/<int:pk>/", calendar_views.policy_edit, name="policy_edit"),
    path("deadlines/policies/<int:pk>/delete/", calendar_views.policy_delete, name="policy_delete"),
]
