"""Major-hazard grading from versioned rule sets (GB 35181, the city-gas standard, 工贸 10号令).

A rule reference on a hazard is "<family>-<edition>:<element>", e.g. "gb35181-2017:6.5",
"gb35181-2017:7.3.9", "city_gas-2023:9.1", "gongmao-2023:14". For each family the rule set in
force on the date of the finding is used (`RuleSet.valid_from <= date <= valid_to`), so
GB 35181-2017 decides 2022 findings and a loaded GB 35181-2025 set decides findings from
2025-11-01. A rule set is a JSON document:

    code, family, edition, title, label, valid_from, valid_to,
    direct:        {element: text}     any one → major
    comprehensive: {element: text}     counted per unit against the thresholds
    places:        {place: {label, label_en, unit_flags: [...], sectors: [...], always}}
    thresholds:    [{id, places: [...], elements: ["7.3.1-7.3.9", "7.5", "7.*"], min}]
    exclusions:    {clause: text}      a recorded exclusion stops the determination

Thresholds and element lists are data (several are unverified, regulations.md §3.5).
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q
from django.utils.translation import gettext as _

from hazardloop.hazards.choices import Grade
from hazardloop.hazards.models import GradingExclusion, RuleSet

RULESET_DIR = Path(__file__).resolve().parent / "data" / "rulesets"


class RuleSetError(ValueError):
    pass


def validate_document(doc: dict) -> dict:
    """Check a rule set document; returns it with parsed dates. RuleSetError on a problem."""
    if not isinstance(doc, dict):
        raise RuleSetError("a rule set must be a JSON object")
    for key in ("code", "family", "title", "valid_from"):
        if not str(doc.get(key, "")).strip():
            raise RuleSetError(f"the rule set needs '{key}'")
    if not edition_of(doc["code"], doc):
        raise RuleSetError("the rule set needs 'edition' (e.g. \"2025\")")
    try:
        valid_from = dt.date.fromisoformat(doc["valid_from"])
        valid_to = dt.date.fromisoformat(doc["valid_to"]) if doc.get("valid_to") else None
    except (TypeError, ValueError) as exc:
        raise RuleSetError(f"bad date in the rule set: {exc}") from exc
    if valid_to and valid_to < valid_from:
        raise RuleSetError("valid_to is before valid_from")
    for key in ("direct", "comprehensive", "places", "exclusions"):
        if not isinstance(doc.get(key, {}), dict):
            raise RuleSetError(f"'{key}' must be an object")
    if not (doc.get("direct") or doc.get("comprehensive")):
        raise RuleSetError("the rule set has no elements")
    places = doc.get("places", {})
    for rule in doc.get("thresholds", []):
        if not isinstance(rule, dict) or not isinstance(rule.get("min"), int) or rule["min"] < 1:
            raise RuleSetError(f"threshold {rule!r} needs a positive integer 'min'")
        unknown = [p for p in rule.get("places", []) if p not in places]
        if unknown:
            raise RuleSetError(f"threshold {rule.get('id')} names unknown places {unknown}")
        if not expand(rule.get("elements", []), doc.get("comprehensive", {})):
            raise RuleSetError(f"threshold {rule.get('id')} counts no known element")
    return {**doc, "valid_from": valid_from, "valid_to": valid_to}


def _key(element: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in element.split("."))


def expand(patterns: list[str], elements: dict) -> set[str]:
    """Element codes matched by patterns: "7.3.1-7.3.9" (a range), "7.*" (a prefix), "7.5"."""
    out: set[str] = set()
    for pattern in patterns:
        if pattern.endswith("*"):
            stem = pattern[:-1]
            out |= {e for e in elements if e.startswith(stem)}
        elif "-" in pattern:
            low, high = (_key(p.strip()) for p in pattern.split("-", 1))
            out |= {e for e in elements if low <= _key(e) <= high}
        elif pattern in elements:
            out.add(pattern)
    return out


REF = re.compile(
    r"^(?P<family>[a-z][a-z0-9_]*)(?:-(?P<edition>[0-9a-z]+))?:(?P<element>[0-9a-z.]+)$", re.I
)


@dataclass(frozen=True)
class Ref:
    """One rule element with its edition: "gb35181-2017:7.3.10" (edition "" when not named)."""

    family: str
    edition: str
    element: str

    def __str__(self) -> str:
        return format_ref(self.family, self.edition, self.element)


def format_ref(family: str, edition: str, element: str) -> str:
    return f"{family}-{edition}:{element}" if edition else f"{family}:{element}"


def parse_ref(text) -> Ref | None:
    match = REF.match(str(text or "").strip())
    if not match:
        return None
    return Ref(match["family"].lower(), (match["edition"] or "").lower(), match["element"].strip())


def parse_refs(refs, editions: dict[str, str] | None = None) -> dict[str, list[str]]:
    """{"gb35181": ["6.5", ...], ...} from a list of "family-edition:element" strings.

    With `editions` ({family: edition}), a reference naming another edition of the family is
    left out (its element code means something else there); an edition-less one is kept.
    """
    by_family: dict[str, list[str]] = {}
    for text in refs or ():
        ref = parse_ref(text)
        if ref is None:
            continue
        if editions and ref.family in editions and ref.edition not in ("", editions[ref.family]):
            continue
        by_family.setdefault(ref.family, []).append(ref.element)
    return by_family


def edition_of(code: str, doc: dict) -> str:
    """A rule set's edition: its "edition", else the year its code ends with ("GB35181-2017"),
    else the year it came into force (a file written before editions were named)."""
    if str(doc.get("edition") or "").strip():
        return str(doc["edition"]).strip().lower()
    match = re.search(r"(\d{4})$", str(code or "")) or re.match(
        r"(\d{4})-", str(doc.get("valid_from") or "")
    )
    return match.group(1) if match else ""


def rule_sets_in_force(families, on_date: dt.date) -> dict[str, RuleSet]:
    """The rule set in force on on_date for each family (the newest one starting by then)."""
    rows = RuleSet.objects.filter(family__in=list(families), valid_from__lte=on_date).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
    )
    chosen: dict[str, RuleSet] = {}
    for row in sorted(rows, key=lambda r: r.valid_from):
        chosen[row.family] = row
    return chosen


def last_known(family: str, on_date: dt.date) -> RuleSet | None:
    """The family's rule set in force on on_date, else the newest one that began before it."""
    rows = list(RuleSet.objects.filter(family=family, valid_from__lte=on_date))
    in_force = [r for r in rows if r.valid_to is None or r.valid_to >= on_date]
    pool = in_force or rows
    return max(pool, key=lambda r: r.valid_from) if pool else None


def qualify_refs(refs, on_date: dt.date) -> list[str]:
    """The references with their edition named.

    An edition-less "gb35181:7.3.10" (an old checklist copy, an API client) is read as the
    family's edition in force on the finding date or, when none is, the last edition before
    it: the one whose numbering the reference was written against. Unknown families and
    unreadable references are kept as they are (they grade nothing).
    """
    out, known = [], {}
    for text in refs or ():
        ref = parse_ref(text)
        if ref is None or ref.edition:
            out.append(str(ref) if ref else str(text).strip())
            continue
        if ref.family not in known:
            known[ref.family] = last_known(ref.family, on_date)
        rule_set = known[ref.family]
        out.append(format_ref(ref.family, rule_set.edition, ref.element) if rule_set else str(ref))
    return out


def in_window(rule_set: RuleSet, found_on: dt.date, on_date: dt.date) -> bool:
    """Was a finding of `found_on` judged under `rule_set`, and made by `on_date`?

    A determination at `on_date` counts and upgrades only such findings: never ones found after
    it, never ones found while another rule set of the family was in force.
    """
    if found_on > on_date or found_on < rule_set.valid_from:
        return False
    return rule_set.valid_to is None or found_on <= rule_set.valid_to


def places_of(unit, places: dict) -> list[str]:
    out = []
    for name, spec in places.items():
        flags = spec.get("unit_flags", [])
        if (
            spec.get("always")
            or any(getattr(unit, f, False) for f in flags)
            or unit.sector_id in spec.get("sectors", [])
        ):
            out.append(name)
    return out


@dataclass
class Determination:
    grade: str
    reason: str
    rule_set: str = ""
    basis: dict = field(default_factory=dict)
    # Comprehensive elements that reached a threshold: other hazards carrying them become major.
    counted: set[str] = field(default_factory=set)


def determine(
    unit,
    refs,
    *,
    on_date: dt.date,
    default_grade: str = Grade.GENERAL,
    unresolved=(),
) -> Determination:
    """The grade of a finding with rule references `refs` at `unit` on `on_date`.

    `unresolved` are the unit's other unresolved findings as (found_on date, refs) pairs (or a
    callable returning them, called only when a comprehensive element needs counting); with
    this one they count against the comprehensive thresholds of the rule set in force on
    `on_date` — only those found by `on_date` while that same rule set was in force.
    """
    by_family = parse_refs(refs)
    if not by_family:
        return _default(default_grade)
    sets = rule_sets_in_force(by_family, on_date)
    by_family = parse_refs(refs, {f: s.edition for f, s in sets.items()})
    excluded = (
        {
            (e.family, e.clause): e
            for e in GradingExclusion.objects.filter(
                unit_id=unit.pk, family__in=list(sets), ended_at__isnull=True
            )
        }
        if sets
        else {}
    )
    below: Determination | None = None
    for family, elements in by_family.items():
        rule_set = sets.get(family)
        if rule_set is None:
            continue
        data = rule_set.data
        label = data.get("label") or rule_set.code
        exclusion = next((e for (f, _c), e in excluded.items() if f == family), None)
        if exclusion is not None:
            return Determination(
                Grade.GENERAL,
                f"not major: exclusion {label} {exclusion.clause} recorded",
                rule_set.code,
                {"kind": "excluded", "label": label, "clause": exclusion.clause},
            )
        direct = [e for e in elements if e in data.get("direct", {})]
        if direct:
            direct.sort(key=_key)
            return Determination(
                Grade.MAJOR,
                f"major: {label} {', '.join(direct)}",
                rule_set.code,
                {"kind": "direct", "label": label, "elements": direct},
            )
        comprehensive = data.get("comprehensive", {})
        mine = {e for e in elements if e in comprehensive}
        if not mine:
            continue
        if callable(unresolved):
            unresolved = list(unresolved())
        others = parse_refs(
            [
                r
                for found_on, rs in unresolved
                if in_window(rule_set, found_on, on_date)
                for r in rs
            ],
            {family: rule_set.edition},
        )
        pool = mine | {e for e in others.get(family, []) if e in comprehensive}
        unit_places = places_of(unit, data.get("places", {}))
        best = None
        for rule in data.get("thresholds", []):
            if not set(rule.get("places", [])) & set(unit_places):
                continue
            counted = pool & expand(rule.get("elements", []), comprehensive)
            if not counted & mine:
                continue
            place = next(p for p in rule["places"] if p in unit_places)
            candidate = (len(counted) >= rule["min"], len(counted) - rule["min"], rule, place)
            if best is None or candidate[:2] > best[:2]:
                best = (*candidate[:2], rule, place, counted)
        if best is None:
            continue
        reached, _margin, rule, place, counted = best
        place_spec = data["places"][place]
        listed = sorted(counted, key=_key)
        basis = {
            "kind": "comprehensive" if reached else "below_threshold",
            "label": label,
            "elements": listed,
            "place": place,
            "place_label": place_spec.get("label", place),
            "place_label_en": place_spec.get("label_en", place),
            "min": rule["min"],
            "rule": rule.get("id", ""),
        }
        if reached:
            return Determination(
                Grade.MAJOR,
                f"major: {len(listed)} comprehensive elements at "
                f"{place_spec.get('label_en', place)} — {', '.join(listed)} "
                f"({label} {rule.get('id', '')})",
                rule_set.code,
                basis,
                counted=set(counted),
            )
        below = Determination(
            Grade.GENERAL,
            f"general: {len(listed)} of {rule['min']} comprehensive elements at "
            f"{place_spec.get('label_en', place)} — {', '.join(listed)} ({label})",
            rule_set.code,
            basis,
        )
    if below is not None:
        return below
    missing = sorted(set(by_family) - set(sets))
    if missing:
        result = _default(default_grade)
        result.reason += f"; no {'/'.join(missing)} rule set in force on {on_date.isoformat()}"
        result.basis["no_rule_set"] = missing
        return result
    return _default(default_grade)


def _default(default_grade: str) -> Determination:
    grade = Grade.MAJOR if default_grade == Grade.MAJOR else Grade.GENERAL
    return Determination(grade, f"{grade}: checklist default", "", {"kind": "default"})


def describe(hazard) -> str:
    """The grading reason in the active language, from the stored basis."""
    basis = hazard.grade_basis or {}
    kind = basis.get("kind")
    if hazard.grade_overridden:
        return _("%(grade)s (overridden: %(reason)s)") % {
            "grade": hazard.get_grade_display(),
            "reason": hazard.grade_override_reason,
        }
    if kind == "direct":
        return _("major: %(label)s %(elements)s") % {
            "label": basis["label"],
            "elements": ", ".join(basis["elements"]),
        }
    if kind in ("comprehensive", "below_threshold"):
        params = {
            "count": len(basis["elements"]),
            "min": basis["min"],
            "place": basis["place_label"],
            "elements": ", ".join(basis["elements"]),
            "label": basis["label"],
        }
        if kind == "comprehensive":
            return _("major: %(count)s comprehensive elements at %(place)s — %(elements)s") % (
                params
            )
        return (
            _("general: %(count)s of %(min)s comprehensive elements at %(place)s — %(elements)s")
            % params
        )
    if kind == "excluded":
        return _("not major: exclusion %(label)s %(clause)s recorded") % basis
    if kind == "default":
        text = _("%(grade)s (checklist default)") % {"grade": hazard.get_grade_display()}
        if basis.get("no_rule_set"):
            text += _("; no rule set of %(families)s was in force on the finding date") % {
                "families": "/".join(basis["no_rule_set"])
            }
        return text
    return hazard.grade_reason


def load_document(path: str | Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RuleSetError(f"cannot read {path}: {exc}") from exc
