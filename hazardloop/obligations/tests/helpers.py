import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from hazardloop.accounts.choices import Role
from hazardloop.checklists.tests.factories import make_template
from hazardloop.inspections.models import Inspection
from hazardloop.testing import make_user

TZ = ZoneInfo("Asia/Shanghai")


def at(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


_version = {}


def record(unit, mode, when, user=None):
    """An inspection of `unit` in `mode` received at `when` (the evidence the calendar reads)."""
    if "v" not in _version or not type(_version["v"]).objects.filter(pk=_version["v"].pk).exists():
        _version["v"] = make_template().versions.get(is_current=True)
    if user is None:  # one of the unit's own staff
        user = make_user(role=Role.UNIT_SAFETY_OFFICER, unit=unit)
    return Inspection.objects.create(
        client_id=uuid.uuid4(), unit=unit, region_code=unit.region_id,
        template_version=_version["v"], mode=mode, inspector=user, received_at=when,
    )  # fmt: skip
