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

from django.utils.translation import gettext as _

from hazardloop.hazards.choices import DeterminationMethod, Grade
from hazardloop.hazards.models import GradingExclusion, RuleSet
from hazardloop.hazards.rule_sets import GradingLookups

RULESET_DIR = Path(__file__).resolve().parent / "data" / "rulesets"


class RuleSetError(ValueError):
    """A refused rule set: `errors` maps a field of the document to its translated problems."""

    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"document": [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {m}" for k, ms in errors.items() for m in ms))


FAMILY = re.compile(r"^[a-z][a-z0-9_]*$")
EDITION = re.compile(r"^[0-9a-z]+$")
ELEMENT = re.compile(r"^[0-9A-Za-z.]+$")


def validate_document(doc: dict) -> dict:
    """Check a rule set document; returns it with parsed dates and its edition.

    Every problem is reported at once, by field (RuleSetError.errors), translated.
    """
    if not isinstance(doc, dict):
        raise RuleSetError(_("A rule set must be a JSON object."))
    errors: dict[str, list[str]] = {}

    def bad(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    for key in ("code", "family", "title", "valid_from"):
        if not str(doc.get(key) or "").strip():
            bad(key, _("This field is required."))
    family = str(doc.get("family") or "").strip().lower()
    if family and not FAMILY.match(family):
        bad("family", _("Use lower-case letters, digits and “_”, e.g. gb35181."))
    edition = edition_of(str(doc.get("code") or ""), doc)
    if not edition:
        bad("edition", _("Name the edition of the standard, e.g. 2025."))
    elif not EDITION.match(edition):
        bad("edition", _("Use letters and digits only, e.g. 2025."))
    valid_from = valid_to = None
    for key in ("valid_from", "valid_to"):
        value = doc.get(key)
        if not value:
            continue
        try:
            parsed = dt.date.fromisoformat(str(value))
        except ValueError:
            bad(key, _("Not a date (YYYY-MM-DD): %(value)s") % {"value": value})
            continue
        if key == "valid_from":
            valid_from = parsed
        else:
            valid_to = parsed
    if valid_from and valid_to and valid_to < valid_from:
        bad("valid_to", _("The end is before the start."))
    for key in ("direct", "comprehensive", "places", "exclusions", "maps"):
        if not isinstance(doc.get(key) or {}, dict):
            bad(key, _("Must be a list of entries."))
    direct = doc.get("direct") or {}
    comprehensive = doc.get("comprehensive") or {}
    if isinstance(direct, dict) and isinstance(comprehensive, dict):
        if not (direct or comprehensive):
            bad("direct", _("The rule set has no elements."))
        for key, elements in (("direct", direct), ("comprehensive", comprehensive)):
            for element, text in elements.items():
                if not ELEMENT.match(str(element)):
                    bad(key, _("“%(element)s” is not an element number.") % {"element": element})
                elif not str(text or "").strip():
                    bad(key, _("Element %(element)s has no text.") % {"element": element})
        both = set(direct) & set(comprehensive)
        if both:
            bad(
                "comprehensive",
                _("Elements both direct and comprehensive: %(elements)s")
                % {"elements": ", ".join(sorted(both, key=_key))},
            )
    places = doc.get("places") or {}
    if not isinstance(places, dict):
        places = {}
    for name, spec in places.items():
        if not isinstance(spec, dict) or not str(spec.get("label") or "").strip():
            bad("places", _("Place type %(place)s needs a label.") % {"place": name})
    thresholds = doc.get("thresholds") or []
    if not isinstance(thresholds, list):
        bad("thresholds", _("Must be a list of entries."))
        thresholds = []
    for rule in thresholds:
        if not isinstance(rule, dict):
            bad("thresholds", _("Must be a list of entries."))
            continue
        name = rule.get("id") or "?"
        minimum = rule.get("min")
        if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
            bad(
                "thresholds",
                _("Threshold %(id)s needs a whole number of elements of at least 1.")
                % {"id": name},
            )
        unknown = [p for p in rule.get("places") or [] if p not in places]
        if unknown or not rule.get("places"):
            bad(
                "thresholds",
                _("Threshold %(id)s names place types that are not defined: %(places)s")
                % {"id": name, "places": ", ".join(map(str, unknown)) or "—"},
            )
        if isinstance(comprehensive, dict) and not expand(
            rule.get("elements") or [], comprehensive
        ):
            bad(
                "thresholds",
                _("Threshold %(id)s counts no comprehensive element of this rule set.")
                % {"id": name},
            )
    exclusions = doc.get("exclusions") or {}
    if isinstance(exclusions, dict):
        for clause, text in exclusions.items():
            if not str(text or "").strip():
                bad("exclusions", _("Clause %(clause)s has no text.") % {"clause": clause})
    maps = doc.get("maps") or {}
    if isinstance(maps, dict):
        own = set(direct) | set(comprehensive) if isinstance(direct, dict) else set()
        for source, target in maps.items():
            ref = parse_ref(source)
            if ref is None or not ref.edition or ref.family != family or ref.edition == edition:
                bad(
                    "maps",
                    _(
                        "“%(ref)s” must be an element of an earlier edition of this standard, e.g. "
                        "%(family)s-2017:7.3.10."
                    )
                    % {"ref": source, "family": family or "gb35181"},
                )
            elif str(target) not in own:
                bad(
                    "maps",
                    _("%(ref)s is mapped to %(element)s, which is not an element of this rule set.")
                    % {"ref": source, "element": target},
                )
    if errors:
        raise RuleSetError(errors)
    return {
        **doc,
        "family": family,
        "edition": edition,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


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


def qualify_refs(refs, on_date: dt.date, lookups: GradingLookups | None = None) -> list[str]:
    """The references with their edition named.

    An edition-less "gb35181:7.3.10" (an old checklist copy, an API client) is read as the
    family's edition in force on the finding date or, when none is, the last edition before
    it: the one whose numbering the reference was written against. Unknown families and
    unreadable references are kept as they are (they grade nothing).
    """
    lookups = lookups or GradingLookups()
    out, known = [], {}
    for text in refs or ():
        ref = parse_ref(text)
        if ref is None or ref.edition:
            out.append(str(ref) if ref else str(text).strip())
            continue
        if ref.family not in known:
            known[ref.family] = lookups.last_known(ref.family, on_date)
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

    @property
    def pending(self) -> bool:
        """A possible major hazard that a person must determine (no rule set decides it)."""
        return self.basis.get("kind") == "pending"


def label_of(rule_set: RuleSet) -> str:
    return (rule_set.data or {}).get("label") or rule_set.code


@dataclass
class _Resolved:
    """A family's references read against the rule set in force."""

    current: list[tuple[str, str]]  # (element of the set in force, the reference as written)
    stale: list[Ref]  # elements of another edition the set in force does not map
    unknown: list[Ref]  # elements no rule set of the family knows


def _resolve(
    refs: list[Ref], family: str, rule_set, on_date, cache: dict, lookups: GradingLookups
) -> _Resolved:
    """Which of the family's references the rule set in force (or None) decides.

    An edition-less reference is read as the edition in force on the date, else the last one
    before it. A reference of another edition counts when the set in force maps it
    ("maps": {"gb35181-2017:7.3.10": "6.3.4"}); otherwise it is stale: a person determines it.
    """
    if "editions" not in cache:
        cache["editions"] = lookups.editions(family)
        cache["last"] = rule_set or lookups.last_known(family, on_date)
    editions, last = cache["editions"], cache["last"]
    out = _Resolved([], [], [])
    data = rule_set.data if rule_set is not None else {}
    elements = set(data.get("direct", {})) | set(data.get("comprehensive", {}))
    maps = data.get("maps", {})
    for ref in refs:
        edition = ref.edition or (last.edition if last is not None else "")
        full = Ref(family, edition, ref.element)
        if rule_set is not None and edition == rule_set.edition:
            if ref.element in elements:
                out.current.append((ref.element, str(full)))
            else:
                out.unknown.append(full)
            continue
        if rule_set is not None and maps.get(str(full)) in elements:
            out.current.append((maps[str(full)], str(full)))
            continue
        source = editions.get(edition)
        known = (
            set((source.data or {}).get("direct", {}))
            | set((source.data or {}).get("comprehensive", {}))
            if source is not None
            else set()
        )
        (out.stale if ref.element in known else out.unknown).append(full)
    return out


def elements_under(
    rule_set: RuleSet, refs, on_date: dt.date, lookups: GradingLookups | None = None
) -> set[str]:
    """The elements of `rule_set` that `refs` name: of its edition, or mapped to it."""
    parsed = [r for r in (parse_ref(x) for x in refs or ()) if r and r.family == rule_set.family]
    resolved = _resolve(parsed, rule_set.family, rule_set, on_date, {}, lookups or GradingLookups())
    return {element for element, _written in resolved.current}


def _excused(exclusions, *refs: str) -> GradingExclusion | None:
    return next((e for e in exclusions if e.element in refs), None)


def determine(
    unit,
    refs,
    *,
    on_date: dt.date,
    default_grade: str = Grade.GENERAL,
    unresolved=(),
    lookups: GradingLookups | None = None,
) -> Determination:
    """The grade of a finding with rule references `refs` at `unit` on `on_date`.

    `unresolved` are the unit's other unresolved findings as (found_on date, refs) pairs (or a
    callable returning them, called only when a comprehensive element needs counting); with
    this one they count against the comprehensive thresholds of the rule set in force on
    `on_date` — only those found by `on_date` while that same rule set was in force.

    Elements of an edition no rule set in force decides (a GB 35181-2017 element found after
    2025-11-01 while no 2025 rule set covers the date, or one the 2025 set does not map) make
    the finding a possible major hazard pending a person's determination — never a silent
    checklist default. A recorded exclusion excuses only the element it names.

    `lookups`: the rule sets and exclusions already read for other determinations of the same
    change (`GradingLookups`), else read now.
    """
    parsed = [r for r in (parse_ref(x) for x in refs or ()) if r is not None]
    if not parsed:
        return _default(default_grade)
    lookups = lookups or GradingLookups()
    families = sorted({r.family for r in parsed})
    sets = lookups.in_force(families, on_date)
    exclusions = lookups.exclusions(unit, families, on_date)
    below = pending = excused = None
    missing = []
    for family in families:
        rule_set = sets.get(family)
        cache: dict = {}
        resolved = _resolve(
            [r for r in parsed if r.family == family], family, rule_set, on_date, cache, lookups
        )
        hit = None
        current = []
        for element, written in resolved.current:
            found = _excused(exclusions, written, format_ref(family, rule_set.edition, element))
            if found is None:
                current.append(element)
            else:
                hit = hit or found
        stale = []
        for ref in resolved.stale:
            found = _excused(exclusions, str(ref))
            if found is None:
                stale.append(ref)
            else:
                hit = hit or found
        if hit is not None and excused is None:
            excused = _excluded(hit)
        if stale and pending is None:
            pending = _pending(family, stale, rule_set, on_date, default_grade, cache)
        if rule_set is None:
            if not stale and not hit:
                missing.append(family)
            continue
        data = rule_set.data
        label = label_of(rule_set)
        direct = sorted({e for e in current if e in data.get("direct", {})}, key=_key)
        if direct:
            return Determination(
                Grade.MAJOR,
                f"major: {label} {', '.join(direct)}",
                rule_set.code,
                {"kind": "direct", "label": label, "elements": direct},
            )
        comprehensive = data.get("comprehensive", {})
        mine = {e for e in current if e in comprehensive}
        if not mine:
            continue
        if callable(unresolved):
            unresolved = list(unresolved())
        others: set[str] = set()
        for found_on, other_refs in unresolved:
            if not in_window(rule_set, found_on, on_date):
                continue
            theirs = [
                r for r in (parse_ref(x) for x in other_refs or ()) if r and r.family == family
            ]
            resolved = _resolve(theirs, family, rule_set, on_date, cache, lookups)
            for element, written in resolved.current:
                if element in comprehensive and not _excused(
                    exclusions, written, format_ref(family, rule_set.edition, element)
                ):
                    others.add(element)
        pool = mine | others
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
        below = below or Determination(
            Grade.GENERAL,
            f"general: {len(listed)} of {rule['min']} comprehensive elements at "
            f"{place_spec.get('label_en', place)} — {', '.join(listed)} ({label})",
            rule_set.code,
            basis,
        )
    for result in (pending, excused, below):
        if result is not None:
            return result
    if missing:
        result = _default(default_grade)
        result.reason += f"; no {'/'.join(missing)} rule set in force on {on_date.isoformat()}"
        result.basis["no_rule_set"] = missing
        return result
    return _default(default_grade)


def _pending(family, stale: list[Ref], rule_set, on_date, default_grade, cache) -> Determination:
    source = cache["editions"].get(stale[0].edition)
    label = label_of(source) if source is not None else stale[0].family
    elements = sorted({r.element for r in stale}, key=_key)
    grade = Grade.MAJOR if default_grade == Grade.MAJOR else Grade.GENERAL
    basis = {
        "kind": "pending",
        "family": family,
        "label": label,
        "elements": elements,
        "refs": sorted({str(r) for r in stale}),
        "in_force": label_of(rule_set) if rule_set is not None else "",
        "on_date": on_date.isoformat(),
        "provisional": grade,
    }
    where = (
        f"{label_of(rule_set)} does not map it"
        if rule_set is not None
        else f"no {family} rule set in force on {on_date.isoformat()}"
    )
    return Determination(
        grade,
        f"possible major — determination pending: {label} {', '.join(elements)} ({where})",
        "",
        basis,
    )


def _excluded(exclusion: GradingExclusion) -> Determination:
    basis = {
        "kind": "excluded",
        "label": exclusion.element,
        "clause": exclusion.clause,
        "element": exclusion.element,
        "location": exclusion.location,
        "exclusion": exclusion.pk,
    }
    return Determination(
        Grade.GENERAL,
        f"not major: exclusion {exclusion.clause} recorded for {exclusion.element}",
        "",
        basis,
    )


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
        return _("not major: exclusion %(clause)s recorded for %(element)s") % {
            "clause": basis.get("clause", ""),
            "element": basis.get("element") or basis.get("label", ""),
        }
    if kind == "pending":
        params = {
            "label": basis.get("label", ""),
            "elements": ", ".join(basis.get("elements", [])),
            "grade": hazard.get_grade_display(),
        }
        if basis.get("in_force"):
            params["in_force"] = basis["in_force"]
            return (
                _(
                    "possible major — determination pending: %(label)s %(elements)s; "
                    "%(in_force)s does not count these elements (provisionally %(grade)s)"
                )
                % params
            )
        params["date"] = basis.get("on_date", "")
        return (
            _(
                "possible major — determination pending: %(label)s %(elements)s; no rule set "
                "of this standard is in force on %(date)s (provisionally %(grade)s)"
            )
            % params
        )
    if kind == "determined":
        return _("%(grade)s: determined by %(method)s (%(agree)s of %(n)s agree) — %(basis)s") % {
            "grade": hazard.get_grade_display(),
            "method": str(DeterminationMethod(basis.get("method", "collective")).label).lower(),
            "agree": basis.get("agreeing", 0),
            "n": basis.get("members", 0),
            "basis": basis.get("basis", ""),
        }
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
