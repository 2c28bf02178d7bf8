from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityKind(models.TextChoices):
    """Kinds of publicity (宣传) a campaign asks for."""

    NOTICE = "notice", pgettext_lazy("publicity kind", "Notice")
    POSTER = "poster", _("Posters and leaflets")
    MEDIA = "media", _("Media report")
    TRAINING_DAY = "training_day", _("Training day")
    OPEN_DAY = "open_day", _("Open day")
    WECHAT = "wechat", _("WeChat article")


class Level(models.TextChoices):
    """Who held the activity: a level of government (by its region) or a unit."""

    PROVINCE = "province", pgettext_lazy("publicity level", "Province")
    CITY = "city", pgettext_lazy("publicity level", "City")
    COUNTY = "county", pgettext_lazy("publicity level", "County")
    TOWNSHIP = "township", pgettext_lazy("publicity level", "Township")
    UNIT = "unit", pgettext_lazy("publicity level", "Unit")
