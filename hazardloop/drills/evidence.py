"""Evidence for the duty calendar (obligations.evidence, settings.UNIT_DUTY_EVIDENCE["drill"]):
the moments a unit held a drill."""

from hazardloop.drills.models import Drill


def drills(unit_ids, start, end) -> dict[int, list]:
    """{unit_id: [held_at, …]} for the drills each unit held within [start, end)."""
    out: dict[int, list] = {}
    rows = (
        Drill.objects.filter(unit_id__in=list(unit_ids), held_at__gte=start, held_at__lt=end)
        .order_by()
        .values_list("unit_id", "held_at")
    )
    for unit_id, held_at in rows:
        out.setdefault(unit_id, []).append(held_at)
    return out
