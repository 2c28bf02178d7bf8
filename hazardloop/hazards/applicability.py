"""Which rule elements a finding at a unit can be (regulations.md §12.1, §12.2).

Rule-set data says where a rule applies; this module reads it before grading, so the grade is
decided only on the elements that apply at the unit:

- a rule family applies only to the sectors its rule set names (`"sectors"`: 工贸 10号令 to
  冶金、有色、建材、机械、轻工、纺织、烟草、商贸 enterprises, the city-gas standard to gas
  suppliers); none named, every sector;
- a rule set marked `"status": "unverified"` (its text not checked against the official one)
  is loaded and can be edited, but grades nothing until the province confirms it;
- a direct element applies only at the place types it names (`"direct_places"`: GB 35181-2017
  §6.6 at hotels, public entertainment places, shops and underground crowded places, not at a
  street-level restaurant);
- one finding is one element: of the references a finding carries for one family (a checklist
  item lists its alternatives, most specific first), the first that applies is kept.

A place type (`"places"`) holds at a unit when any of its `unit_flags` is set or the unit's
sector is one of its `sectors` (or it is `always`), and, when given, every one of its
`unit_flags_all` is set and it lies `within` one of the named place types.
"""

import datetime as dt

from hazardloop.checklists.choices import BuildingClass
from hazardloop.hazards.grading import parse_ref, qualify_refs
from hazardloop.hazards.models import RuleSet

UNVERIFIED = "unverified"


def place_holds(unit, name: str, places: dict, _seen=()) -> bool:
    """Does the place type `name` of a rule set's `places` hold at `unit`?"""
    spec = places.get(name)
    if not isinstance(spec, dict) or name in _seen:
        return False
    flags, sectors = spec.get("unit_flags", []), spec.get("sectors", [])
    if flags or sectors or not (spec.get("unit_flags_all") or spec.get("within")):
        matched = (
            spec.get("always")
            or any(getattr(unit, flag, False) for flag in flags)
            or unit.sector_id in sectors
        )
        if not matched:
            return False
    if not all(getattr(unit, flag, False) for flag in spec.get("unit_flags_all", [])):
        return False
    within = spec.get("within") or []
    return not within or any(place_holds(unit, p, places, (*_seen, name)) for p in within)


def family_applies(unit, data: dict) -> bool:
    """Does this rule set grade findings at `unit` (its status and the unit's sector)?"""
    if data.get("status") == UNVERIFIED:
        return False
    sectors = data.get("sectors") or []
    return not sectors or unit.sector_id in sectors


def direct_applies(unit, element: str, data: dict) -> bool:
    """A direct element applies where its place types hold (everywhere when none are named)."""
    if element not in data.get("direct", {}):
        return True
    named = (data.get("direct_places") or {}).get(element) or []
    places = data.get("places") or {}
    return not named or any(place_holds(unit, p, places) for p in named)


def _rule_set(family: str, edition: str) -> RuleSet | None:
    return RuleSet.objects.filter(family=family, edition=edition).order_by("-valid_from").first()


def applicable_refs(unit, refs, on_date: dt.date) -> list[str]:
    """The references a finding at `unit` on `on_date` keeps: one element per family, the
    first that applies there. References of an unknown family or edition are kept as they are
    (the grading decides what they mean); those of a rule set that does not apply to the unit
    (its sector, or unverified) and direct elements named for other place types are left out.
    """
    kept: list[str] = []
    families_done: set[str] = set()
    cache: dict[tuple[str, str], RuleSet | None] = {}
    for text in qualify_refs(list(refs or ()), on_date):
        ref = parse_ref(text)
        if ref is None:
            kept.append(text)
            continue
        key = (ref.family, ref.edition)
        if key not in cache:
            cache[key] = _rule_set(*key)
        rule_set = cache[key]
        if rule_set is not None:
            data = rule_set.data or {}
            if not family_applies(unit, data) or not direct_applies(unit, ref.element, data):
                continue
        if ref.family in families_done:
            continue
        families_done.add(ref.family)
        kept.append(text)
    return kept


def building_classes(unit, refs) -> set[str]:
    """The building classes a rate threshold distinguishes that hold at `unit`
    (checklists BuildingClass; ChecklistItem.refs_for): high-rise or underground from the
    unit's building facts, "with a crowded place" from the place types of the rule set the
    refs name."""
    out = {BuildingClass.OTHER.value}
    if unit.is_high_rise or unit.is_underground:
        out.add(BuildingClass.HIGH_RISE_OR_UNDERGROUND.value)
    if unit.is_high_rise:
        for text in refs or ():
            ref = parse_ref(text)
            rule_set = _rule_set(ref.family, ref.edition) if ref else None
            places = (rule_set.data or {}).get("places", {}) if rule_set else {}
            if place_holds(unit, "crowded_place", places):
                out.add(BuildingClass.HIGH_RISE_CROWDED.value)
                break
    return out


def is_crowded_place(unit) -> bool:
    """Is `unit` a 人员密集场所 by the newest GB 35181 rule set's place types (its own flags
    when no rule set is loaded)?"""
    rule_set = RuleSet.objects.filter(family="gb35181").order_by("-valid_from").first()
    places = (rule_set.data or {}).get("places", {}) if rule_set else {}
    if "crowded_place" in places:
        return place_holds(unit, "crowded_place", places)
    return bool(unit.is_crowded_place or unit.is_public_gathering)
