import datetime as dt

from django.utils import timezone

from hazardloop.publicity.services import record_activity


def make_activity(user, *, unit=None, region_code="", **kw):
    fields = {
        "kind": "poster",
        "held_on": timezone.localdate() - dt.timedelta(days=1),
        "reach": 120,
        "title": "消防安全宣传海报张贴",
    }
    fields.update(kw)
    return record_activity(actor=user, unit=unit, region_code=region_code, **fields)
