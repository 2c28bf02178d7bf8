from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccidentsConfig(AppConfig):
    name = "hazardloop.accidents"
    label = "accidents"
    verbose_name = _("Accident reports")
