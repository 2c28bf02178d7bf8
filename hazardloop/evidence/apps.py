from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "hazardloop.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self):
        # HEIC/HEIF (phone cameras) decode through Pillow once the opener is registered.
        from pillow_heif import register_heif_opener

        register_heif_opener()
