from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.TextChoices):
    """The unit's own evaluation of a drill (演练评估)."""

    MET = "met", _("Went as planned")
    PARTLY = "partly", _("Partly as planned")
    NOT_MET = "not_met", _("Not as planned: drill again")


RATING_BADGE = {Rating.MET: "success", Rating.PARTLY: "warning", Rating.NOT_MET: "danger"}
