"""Evidence that a duty was done, by duty kind.

A provider is a function `(unit_ids, start, end) -> {unit_id: [datetime, …]}` returning, for
each unit, the moments within [start, end) at which the duty was done. settings.UNIT_DUTY_EVIDENCE
maps a duty kind to the dotted path of its provider; a kind without a provider has no record."""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.module_loading import import_string

from hazardloop.accounts.models import Membership
from hazardloop.inspections.choices import Mode
from hazardloop.inspections.models import Inspection


def _by_mode(mode: str, unit_ids, start, end, *, own_staff=False) -> dict[int, list]:
    out: dict[int, list] = {}
    qs = Inspection.objects.filter(
        unit_id__in=list(unit_ids), mode=mode, received_at__gte=start, received_at__lt=end
    )
    if own_staff:
        qs = qs.filter(
            Exists(
                Membership.objects.filter(user=OuterRef("inspector"), unit_id=OuterRef("unit_id"))
            )
        )
    rows = qs.order_by().values_list("unit_id", "started_at", "received_at")
    for unit_id, started, received in rows:
        # The device's start time when it is plausible (an offline patrol synced later),
        # never a time after the server received it.
        when = started if started and started <= received else received
        out.setdefault(unit_id, []).append(when)
    return out


def patrols(unit_ids, start, end) -> dict[int, list]:
    """Fire patrols (防火巡查) recorded by the unit's own staff: inspections in mode patrol by a
    member of the unit (a regulator's patrol of the unit is not the unit's duty done)."""
    return _by_mode(Mode.PATROL, unit_ids, start, end, own_staff=True)


def self_inspections(unit_ids, start, end) -> dict[int, list]:
    """Fire inspections (防火检查) the unit did itself: inspections in mode self-inspection."""
    return _by_mode(Mode.SELF_INSPECTION, unit_ids, start, end)


def providers() -> dict:
    return {kind: import_string(path) for kind, path in settings.UNIT_DUTY_EVIDENCE.items()}
