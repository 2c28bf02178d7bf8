"""What the public reads: a unit's published fire-safety status (the facts the province
chooses in TIP_PUBLIC_STATUS) and a tip's outcome by its tracking code — never a name of the
person who answered it, never the tip's own text."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from hazardloop.campaigns.choices import TaskStatus
from hazardloop.hazards.choices import OPEN_STATUSES, Grade, Status, SupervisionLevel
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.models import Inspection
from hazardloop.tips.choices import TipStatus


@dataclass
class Fact:
    key: str
    label: str
    value: str
    warn: bool = False


def _yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment).date(), "Y-m-d")


def unit_status(unit) -> list[Fact]:
    """The facts the province publishes about `unit`, in the order of TIP_PUBLIC_STATUS."""
    facts = []
    open_hazards = Hazard.objects.filter(unit=unit, status__in=OPEN_STATUSES)
    for key in settings.TIP_PUBLIC_STATUS:
        if key == "open_major":
            flag = open_hazards.filter(grade=Grade.MAJOR).exists()
            facts.append(Fact(key, _("Open major fire hazard"), _yes_no(flag), flag))
        elif key == "listed":
            flag = open_hazards.filter(supervision_level=SupervisionLevel.LISTED).exists()
            facts.append(Fact(key, _("Listed for supervision"), _yes_no(flag), flag))
        elif key == "last_inspection":
            last = (
                Inspection.objects.filter(unit=unit)
                .order_by("-received_at")
                .values_list("received_at", flat=True)
                .first()
            )
            value = _day(last) if last else _("No inspection recorded")
            facts.append(Fact(key, _("Last inspection by the authorities"), value))
    return facts


def outcome(tip) -> str:
    """One or two sentences for the tipster about where their tip stands."""
    if tip.status == TipStatus.RECEIVED:
        return _("Your tip has been received. The authorities answer it by %(day)s.") % {
            "day": _day(tip.due_at)
        }
    if tip.status == TipStatus.HAZARD:
        text = _("The authorities confirmed a hazard and recorded it for rectification.")
        hazard = tip.hazard
        if hazard is not None and hazard.status in (Status.VERIFIED, Status.CLOSED):
            text += " " + _("The hazard has been put right and checked.")
        elif hazard is not None:
            text += " " + _("Its rectification is being followed up.")
        return text
    if tip.status == TipStatus.INSPECTION:
        task = tip.task
        if task is not None and task.status == TaskStatus.DONE:
            return _("The authorities have inspected the place.")
        day = formats.date_format(task.due_on, "Y-m-d") if task is not None else ""
        return _("The authorities plan to inspect the place by %(day)s.") % {"day": day}
    return _("The authorities looked into your tip and recorded no hazard. Reason: %(reason)s") % {
        "reason": tip.reason
    }
