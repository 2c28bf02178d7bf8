from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "hazardloop.checklists"
    label = "checklists"
    verbose_name = _("Checklists")
