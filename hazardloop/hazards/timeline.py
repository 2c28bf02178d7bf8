"""What a hazard's timeline says about each event, in the active language.

Events store codes (`kind`, and for the ladders `data["rung"]`, `data["clock"]`); the words are
chosen here, when the page is rendered. `reason` holds only what a person typed.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hazardloop.hazards.choices import ClockKind, ClockRung, EventKind, SupervisionLevel

# The English notes the supervision sweep wrote into `reason` before it stored codes only: on
# older rows they are replaced by the translated note built from the event's data.
_LEGACY_SWEEP_REASONS = frozenset(
    {
        "deadline passed: reminder",
        "overdue: supervision letter",
        "overdue: listed for supervision",
        "overdue while listed: accountability proposed",
        "regulator's time limit missed: the responsible office reminded",
        "regulator's time limit missed: reported to the office above",
    }
)


def _supervision_note(data: dict) -> str:
    rung = data.get("rung")
    days = data.get("days_overdue")
    if rung == SupervisionLevel.REMINDED:
        return _("The deadline passed: the unit was reminded.")
    if rung == SupervisionLevel.LETTER:
        if days is not None:
            return ngettext(
                "%(days)s day overdue: a supervision letter was issued.",
                "%(days)s days overdue: a supervision letter was issued.",
                days,
            ) % {"days": days}
        return _("Overdue: a supervision letter was issued.")
    if rung == SupervisionLevel.LISTED:
        return _("Overdue: listed for supervision.")
    if rung == SupervisionLevel.ACCOUNTABILITY:
        return _("Still overdue while listed: accountability proposed.")
    return ""


def _clock_note(data: dict) -> str:
    clock = data.get("clock")
    what = ClockKind(clock).label if clock in ClockKind.values else ""
    if data.get("rung") == ClockRung.REMINDED:
        text = _("Time limit missed: the responsible office was reminded.")
    elif data.get("rung") == ClockRung.ESCALATED:
        text = _("Time limit missed: reported to the office above.")
    else:
        return ""
    return f"{what}: {text}" if what else text


def event_note(event) -> str:
    """The line under an event's title: the system's note from the stored codes, then what the
    person wrote (their reason), if anything."""
    data = event.data or {}
    if event.kind == EventKind.SUPERVISION:
        note = _supervision_note(data)
    elif event.kind == EventKind.CLOCK_LAPSE:
        note = _clock_note(data)
    else:
        note = ""
    reason = "" if event.reason in _LEGACY_SWEEP_REASONS else event.reason
    return "\n".join(part for part in (note, reason) if part)
