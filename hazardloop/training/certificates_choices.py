from django.db import models
from django.utils.translation import gettext_lazy as _


class CertState(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")


STATE_BADGE = {
    CertState.VALID: "success",
    CertState.EXPIRING: "warning",
    CertState.EXPIRED: "danger",
}
