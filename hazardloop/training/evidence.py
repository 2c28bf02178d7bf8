"""The duty calendar's evidence for the `training` duty (settings.UNIT_DUTY_EVIDENCE): a unit
trained its staff when it recorded a training held in the window (61号令 Art. 36)."""

from hazardloop.training.models import Training


def trainings(unit_ids, start, end) -> dict[int, list]:
    out: dict[int, list] = {}
    rows = (
        Training.objects.filter(unit_id__in=list(unit_ids), held_at__gte=start, held_at__lt=end)
        .order_by()
        .values_list("unit_id", "held_at")
    )
    for unit_id, held_at in rows:
        out.setdefault(unit_id, []).append(held_at)
    return out
