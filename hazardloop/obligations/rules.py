"""Which duty rules bind a unit: by what it is (public gathering place, fire-safety key unit,
state organ / organisation / public institution or not) and by where it is (region overrides)."""

from dataclasses import dataclass

from django.conf import settings

from hazardloop.obligations.choices import AppliesTo, DutyKind, Every
from hazardloop.obligations.models import DutyRule
from hazardloop.regions import codes

# Rough hours per unit of time, only to compare rules (which is stricter).
_HOURS = {Every.HOUR: 1, Every.DAY: 24, Every.MONTH: 730}


@dataclass(frozen=True)
class Rule:
    kind: str
    applies_to: str
    every: int
    every_unit: str
    while_open: bool
    article: str
    verified: bool
    region_prefix: str = ""
    note: str = ""

    @property
    def length_hours(self) -> int:
        return self.every * _HOURS[self.every_unit]


def is_public_body(unit) -> bool:
    """机关、团体、事业单位: read from the USCC's registration-authority and type digits
    (GB 32100; the prefixes are settings.DUTY_PUBLIC_BODY_USCC_PREFIXES)."""
    return (unit.uscc or "").upper().startswith(tuple(settings.DUTY_PUBLIC_BODY_USCC_PREFIXES))


def groups_of(unit) -> set[str]:
    out = {AppliesTo.ALL}
    if unit.is_public_gathering:
        out.add(AppliesTo.PUBLIC_GATHERING)
    if unit.is_fire_key_unit:
        out.add(AppliesTo.KEY_UNIT)
    out.add(AppliesTo.PUBLIC_BODY if is_public_body(unit) else AppliesTo.OTHER_BODY)
    return out


class RuleBook:
    """All rules loaded once (a few dozen rows); `for_unit` resolves a unit's rules in memory."""

    def __init__(self, rows=None):
        rows = list(DutyRule.objects.all()) if rows is None else rows
        self.by_key: dict[tuple[str, str], list[DutyRule]] = {}
        for r in rows:
            self.by_key.setdefault((r.kind, r.applies_to), []).append(r)
        for lst in self.by_key.values():
            lst.sort(key=lambda r: -len(r.region_prefix))  # longest prefix first
        self._cache: dict[tuple, dict[str, Rule]] = {}

    def _resolve(self, kind: str, applies: str, region_code: str) -> DutyRule | None:
        for r in self.by_key.get((kind, applies), ()):
            if not r.region_prefix or codes.contains(r.region_prefix, region_code):
                return r if r.active else None
        return None

    def for_unit(self, unit) -> dict[str, Rule]:
        """The strictest rule in force for each duty kind that binds the unit."""
        groups = frozenset(groups_of(unit))
        key = (groups, unit.region_id)
        if key not in self._cache:
            out: dict[str, Rule] = {}
            for kind in DutyKind.values:
                best = None
                for applies in groups:
                    r = self._resolve(kind, applies, unit.region_id)
                    if r is None:
                        continue
                    rule = Rule(
                        r.kind, r.applies_to, r.every, r.every_unit, r.while_open,
                        r.article, r.verified, r.region_prefix, r.note,
                    )  # fmt: skip
                    if best is None or rule.length_hours < best.length_hours:
                        best = rule
                if best:
                    out[kind] = best
            self._cache[key] = out
        return self._cache[key]
