"""Writing duty rules (a province's override of a rule for a region of its own) and a unit's
opening hours."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.core.errors import DomainError
from hazardloop.obligations.choices import AppliesTo, DutyKind, Every
from hazardloop.obligations.models import DutyRule, OpeningHours
from hazardloop.regions import codes

MAX_EVERY = {Every.HOUR: 24, Every.DAY: 366, Every.MONTH: 24}


class RuleError(DomainError):
    pass


def set_region_rule(
    *, actor, kind: str, applies_to: str, region_code: str, every: int, every_unit: str,
    while_open: bool = False, active: bool = True, note: str = "",
) -> DutyRule:  # fmt: skip
    """Create or change the override of (kind, applies_to) for a region's subtree. An override
    is configuration (verified=False) unless it repeats the shipped value. The caller has
    checked that `actor` holds obligation.rules over the province of `region_code`."""
    if kind not in DutyKind.values or applies_to not in AppliesTo.values:
        raise RuleError(_("Choose a duty and the units it applies to."))
    if every_unit not in Every.values or not 1 <= every <= MAX_EVERY[every_unit]:
        raise RuleError(_("The interval is not valid."))
    if while_open and every_unit != Every.HOUR:
        raise RuleError(_("Only an hourly duty can be limited to opening hours."))
    if not codes.is_code(region_code):
        raise RuleError(_("Unknown region."))
    prefix = codes.prefix(region_code)
    default = DutyRule.objects.filter(kind=kind, applies_to=applies_to, region_prefix="").first()
    same = bool(default) and (default.every, default.every_unit, default.while_open) == (
        every, every_unit, while_open
    )  # fmt: skip
    with transaction.atomic():
        rule = DutyRule.objects.filter(
            kind=kind, applies_to=applies_to, region_prefix=prefix
        ).first()
        before = _state(rule) if rule else None
        rule = rule or DutyRule(kind=kind, applies_to=applies_to, region_prefix=prefix)
        rule.every, rule.every_unit, rule.while_open = every, every_unit, while_open
        rule.active, rule.note = active, note[:300]
        rule.article = default.article if default and same else ""
        rule.verified = same and active
        rule.changed_by, rule.changed_at = actor, timezone.now()
        rule.save()
        record_event(
            "duty_rule.changed",
            actor=actor,
            obj=rule,
            region_code=codes.canonical(prefix),
            before=before,
            after=_state(rule),
        )
    return rule


def set_opening_hours(unit, *, actor, opens, closes, closed_days=()) -> OpeningHours:
    """Set the unit's opening hours (one daily interval; `closes` at or before `opens` means
    the next day, equal means around the clock; `closed_days` ISO weekdays 1-7). The duty
    calendar reads them at once (hourly patrols while open). The caller has checked that `actor`
    holds unit.edit over the unit."""
    days = "".join(sorted({str(int(d)) for d in closed_days if 1 <= int(d) <= 7}))
    if len(days) == 7:
        raise RuleError(_("A unit cannot be closed every day of the week."))
    with transaction.atomic():
        row = OpeningHours.objects.select_for_update().filter(unit=unit).first()
        before = _hours(row) if row else None
        row = row or OpeningHours(unit=unit)
        row.opens, row.closes, row.closed_days = opens, closes, days
        row.save()
        record_event(
            "opening_hours.changed", actor=actor, obj=unit, region_code=unit.region_id,
            before=before, after=_hours(row),
        )  # fmt: skip
    return row


def _hours(row: OpeningHours) -> dict:
    return {
        "opens": f"{row.opens:%H:%M}",
        "closes": f"{row.closes:%H:%M}",
        "closed": row.closed_days,
    }


def _state(rule: DutyRule) -> dict:
    return {
        "kind": rule.kind, "applies_to": rule.applies_to, "region_prefix": rule.region_prefix,
        "every": rule.every, "every_unit": rule.every_unit, "while_open": rule.while_open,
        "active": rule.active,
    }  # fmt: skip
