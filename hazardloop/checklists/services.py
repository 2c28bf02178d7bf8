"""Writing checklist templates: versions, items, regional copies, built-in loading.

Every write is one transaction with an audit event. Items are always written as a whole list
(`save_items`): the current version is rewritten in place while no inspection has used it, and
otherwise a new version is made, so a used version never changes.
"""

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.checklists.choices import (
    AnswerType,
    BasisStatus,
    BuildingClass,
    DefaultGrade,
    ItemCategory,
)
from hazardloop.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from hazardloop.core.errors import DomainError

DATA_DIR = Path(__file__).resolve().parent / "data"
# "<family>-<edition>:<element>" (hazards.grading reads it); an edition-less ref is still read.
RULE_REF = re.compile(r"^[a-z][a-z0-9_]*(-[0-9A-Za-z]+)?:[0-9A-Za-z.]+$")
ITEM_FIELDS = [
    "code",
    "section_zh",
    "section_en",
    "text_zh",
    "text_en",
    "violation_zh",
    "violation_en",
    "guidance_zh",
    "guidance_en",
    "legal_basis",
    "basis_status",
    "basis_source",
    "other_duty_zh",
    "category",
    "default_grade",
    "rule_refs",
    "element_limits",
    "answer_type",
    "number_min",
    "number_max",
    "number_unit",
    "photo_on_fail",
]
TEMPLATE_FIELDS = ["code", "title_zh", "title_en", "topic", "sectors", "gas_uses"]
# What an item says about its answer rather than what is asked: corrected on the built-in
# templates in place, even on a version inspections have used (load_builtin_templates).
ANNOTATION_FIELDS = (
    "violation_zh",
    "violation_en",
    "legal_basis",
    "basis_status",
    "basis_source",
    "other_duty_zh",
)
# Answers that can fail, and so raise a hazard whose title is the violation wording.
FAILABLE = (AnswerType.PASS_FAIL, AnswerType.NUMBER)


class ChecklistError(DomainError, ValueError):
    """Refused checklist input; `errors` lists translated messages (one per problem)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


# --- validation -------------------------------------------------------------------------------


def _decimal(value, label: str, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        errors.append(
            _("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": value}
        )
        return None


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "是", "x", "✓"}
    return bool(value)


def clean_items(raw_items: list[dict], *, require_violation: bool = True) -> list[dict]:
    """Normalise and check item dicts (from JSON, xlsx or a form); ChecklistError if any is bad.

    Every problem is reported at once, with the item code (or row position) it concerns. An
    item that can fail needs its violation wording (`require_violation=False` only to compare
    with items stored before the wording existed).
    """
    errors: list[str] = []
    seen: set[str] = set()
    items = []
    if not raw_items:
        raise ChecklistError([_("A checklist needs at least one item.")])
    for position, raw in enumerate(raw_items, start=1):
        code = str(raw.get("code") or "").strip()
        label = code or _("item %(n)s") % {"n": position}
        if not code:
            errors.append(_("%(label)s: the code is missing.") % {"label": label})
        elif code in seen:
            errors.append(_("%(label)s: the code is used twice.") % {"label": label})
        seen.add(code)
        item = {"code": code[:20]}
        for name in ("section_zh", "section_en", "text_zh", "text_en"):
            item[name] = str(raw.get(name) or "").strip()
        for name in ("violation_zh", "violation_en"):
            item[name] = str(raw.get(name) or "").strip()
        for name in (
            "guidance_zh",
            "guidance_en",
            "legal_basis",
            "number_unit",
            "basis_source",
            "other_duty_zh",
        ):
            item[name] = str(raw.get(name) or "").strip()
        for name, limit in (("basis_source", 300), ("other_duty_zh", 400)):
            if len(item[name]) > limit:
                errors.append(
                    _("%(label)s: %(field)s is longer than %(n)s characters.")
                    % {"label": label, "field": name, "n": limit}
                )
        if not item["section_zh"]:
            errors.append(_("%(label)s: the section is missing.") % {"label": label})
        if not item["text_zh"]:
            errors.append(_("%(label)s: the Chinese text is missing.") % {"label": label})
        if any(len(item[name]) > 400 for name in ("text_zh", "text_en")):
            errors.append(
                _("%(label)s: the text is longer than 400 characters.") % {"label": label}
            )
        if any(len(item[name]) > 400 for name in ("violation_zh", "violation_en")):
            errors.append(
                _("%(label)s: the violation wording is longer than 400 characters.")
                % {"label": label}
            )
        choice_fields = (
            ("basis_status", BasisStatus, BasisStatus.VERIFIED),
            ("category", ItemCategory, ItemCategory.OTHER),
            ("default_grade", DefaultGrade, DefaultGrade.GENERAL),
            ("answer_type", AnswerType, AnswerType.PASS_FAIL),
        )
        for name, choices, default in choice_fields:
            value = str(raw.get(name) or default).strip()
            if value not in choices.values:
                errors.append(
                    _("%(label)s: “%(value)s” is not a valid %(field)s (use one of: %(choices)s).")
                    % {
                        "label": label,
                        "value": value,
                        "field": name,
                        "choices": ", ".join(choices.values),
                    }
                )
            item[name] = value
        refs = raw.get("rule_refs") or []
        if isinstance(refs, str):
            refs = [r.strip() for r in re.split(r"[,\s;，；]+", refs) if r.strip()]
        bad = [r for r in refs if not RULE_REF.match(str(r))]
        if bad:
            errors.append(
                _("%(label)s: rule references must look like “gb35181-2017:7.3.10”, not %(bad)s.")
                % {"label": label, "bad": ", ".join(map(str, bad))}
            )
        item["rule_refs"] = [str(r) for r in refs]
        item["number_min"] = _decimal(raw.get("number_min"), label, errors)
        item["number_max"] = _decimal(raw.get("number_max"), label, errors)
        if item["answer_type"] == AnswerType.NUMBER:
            if item["number_min"] is None and item["number_max"] is None:
                errors.append(
                    _("%(label)s: a number item needs a lowest or highest acceptable value.")
                    % {"label": label}
                )
            elif (
                item["number_min"] is not None
                and item["number_max"] is not None
                and item["number_min"] > item["number_max"]
            ):
                errors.append(
                    _("%(label)s: the lowest acceptable value is above the highest.")
                    % {"label": label}
                )
        item["element_limits"] = _element_limits(raw.get("element_limits"), item, label, errors)
        item["photo_on_fail"] = _bool(raw.get("photo_on_fail", False))
        if require_violation and item["answer_type"] in FAILABLE and not item["violation_zh"]:
            errors.append(
                _(
                    "%(label)s: the violation wording is missing (what a notice says when "
                    "the item fails)."
                )
                % {"label": label}
            )
        items.append(item)
    if errors:
        raise ChecklistError(errors)
    return items


def _element_limits(raw, item: dict, label: str, errors: list[str]) -> list[dict]:
    """Check an item's building-dependent element thresholds (see ChecklistItem.refs_for)."""
    if raw in (None, "", []):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    problem = _(
        "%(label)s: element thresholds must be a list of {ref, over: {building: limit}, status}, "
        "each ref one of the item's rules, each building one of %(buildings)s, each limit a "
        "number, on a number item."
    ) % {"label": label, "buildings": ", ".join(BuildingClass.values)}
    if not isinstance(raw, list) or item["answer_type"] != AnswerType.NUMBER:
        errors.append(problem)
        return []
    out = []
    for rule in raw:
        over = rule.get("over") if isinstance(rule, dict) else None
        ok = (
            isinstance(over, dict)
            and over
            and rule.get("ref") in item["rule_refs"]
            and rule.get("status", BasisStatus.UNVERIFIED) in BasisStatus.values
            and all(name in BuildingClass.values for name in over)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in over.values())
        )
        if not ok:
            errors.append(problem)
            return []
        out.append(
            {
                "ref": rule["ref"],
                "over": dict(over),
                "status": rule.get("status", BasisStatus.UNVERIFIED),
                "source": str(rule.get("source") or "")[:200],
            }
        )
    return out


def _hash(items: list[dict]) -> str:
    return hashlib.sha256(
        json.dumps(items, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def item_dicts(version: ChecklistVersion) -> list[dict]:
    """The version's items as the dicts that `save_items` takes (and the xlsx holds)."""
    out = []
    for item in version.items.all():
        row = {name: getattr(item, name) for name in ITEM_FIELDS}
        out.append(row)
    return out


# --- writes ---------------------------------------------------------------------------------


def _write_items(version: ChecklistVersion, items: list[dict]) -> None:
    version.items.all().delete()
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(version=version, sort=n, **item) for n, item in enumerate(items)]
    )


def save_items(
    template: ChecklistTemplate, raw_items: list[dict], *, actor, note: str = ""
) -> ChecklistVersion:
    """Make `raw_items` the template's current items; return the current version.

    Unchanged items: nothing happens. The current version unused: rewritten in place. Used by
    any inspection: a new version is created and becomes current; the old one stays as it was.
    """
    items = clean_items(raw_items)
    digest = _hash(items)
    with transaction.atomic():
        current = (
            ChecklistVersion.objects.select_for_update()
            .filter(template=template, is_current=True)
            .first()
        )
        if current is not None and current.content_hash == digest:
            return current
        if current is not None and not current.is_locked:
            _write_items(current, items)
            current.content_hash = digest
            current.note = note[:300] or current.note
            current.save(update_fields=["content_hash", "note"])
            version, action = current, "checklist.version_edited"
        else:
            number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            if current is not None:
                ChecklistVersion.objects.filter(pk=current.pk).update(is_current=False)
            version = ChecklistVersion.objects.create(
                template=template,
                number=number,
                is_current=True,
                note=note[:300],
                content_hash=digest,
                created_by=actor,
            )
            _write_items(version, items)
            action = "checklist.version_created"
        record_event(
            action,
            actor=actor,
            obj=template,
            region_code=template.region_code,
            message=f"v{version.number}: {len(items)} items. {note}"[:500],
        )
    return version


def create_template(
    *,
    actor,
    code: str,
    title_zh: str,
    items: list[dict],
    region_code: str = "",
    title_en: str = "",
    topic: str = "",
    sectors: list | None = None,
    gas_uses: list | None = None,
    is_builtin: bool = False,
    based_on: ChecklistTemplate | None = None,
    note: str = "",
) -> ChecklistTemplate:
    """Create a template with version 1. ChecklistError when the code is taken in the region."""
    if not code or not title_zh:
        raise ChecklistError([_("A checklist needs a code and a Chinese title.")])
    with transaction.atomic():
        if ChecklistTemplate.objects.filter(region_code=region_code, code=code).exists():
            raise ChecklistError(
                [_("A checklist with the code “%(code)s” exists already here.") % {"code": code}]
            )
        template = ChecklistTemplate.objects.create(
            code=code,
            region_code=region_code,
            title_zh=title_zh,
            title_en=title_en,
            topic=topic,
            sectors=sectors or [],
            gas_uses=gas_uses or [],
            is_builtin=is_builtin,
            based_on=based_on,
            created_by=actor,
        )
        record_event("checklist.template_created", actor=actor, obj=template)
        save_items(template, items, actor=actor, note=note)
    return template


def copy_template(template: ChecklistTemplate, *, actor, region_code: str) -> ChecklistTemplate:
    """A region's own copy of `template` (its current items), to adapt; one copy per region."""
    current = template.versions.get(is_current=True)
    return create_template(
        actor=actor,
        code=template.code,
        title_zh=template.title_zh,
        title_en=template.title_en,
        topic=template.topic,
        sectors=template.sectors,
        gas_uses=template.gas_uses,
        items=item_dicts(current),
        region_code=region_code,
        based_on=template,
        note=_("Adapted from %(title)s v%(n)s") % {"title": template.title_zh, "n": current.number},
    )


def mark_version_used(version: ChecklistVersion, *, now=None) -> None:
    """Freeze a version: called by whatever records answers against it (inspections)."""
    if version.used_at is None:
        ChecklistVersion.objects.filter(pk=version.pk, used_at__isnull=True).update(
            used_at=now or timezone.now()
        )
        version.used_at = version.used_at or now or timezone.now()


def _question(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in ANNOTATION_FIELDS}


def amend_annotations(version: ChecklistVersion, raw_items: list[dict], *, actor) -> bool:
    """Correct the annotations of `version`'s items in place; True when something changed.

    Only when the items ask exactly the same questions (everything but ANNOTATION_FIELDS is
    equal): then a violation wording or a corrected citation is an erratum, not a new
    checklist, and it applies to the inspections already recorded against the version (their
    record is reprinted with it). Any other difference is left to `save_items` (a new version).
    """
    items = clean_items(raw_items)
    with transaction.atomic():
        version = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
        current = clean_items(item_dicts(version), require_violation=False)
        if [_question(i) for i in current] != [_question(i) for i in items]:
            return False
        if current == items:
            if version.content_hash != _hash(items):
                ChecklistVersion.objects.filter(pk=version.pk).update(content_hash=_hash(items))
            return False
        by_code = {i["code"]: i for i in items}
        rows = list(version.items.all())
        for row in rows:
            for name in ANNOTATION_FIELDS:
                setattr(row, name, by_code[row.code][name])
        ChecklistItem.objects.bulk_update(rows, list(ANNOTATION_FIELDS))
        ChecklistVersion.objects.filter(pk=version.pk).update(content_hash=_hash(items))
        record_event(
            "checklist.version_amended",
            actor=actor,
            obj=version.template,
            region_code=version.template.region_code,
            message=f"v{version.number}: violation wordings and legal bases corrected",
        )
    return True


def load_builtin_templates(*, actor=None) -> dict[str, int]:
    """Create or update the built-in templates from data/*.json; idempotent.

    Returns counts: {"created": n, "revised": n, "unchanged": n}.
    """
    counts = {"created": 0, "revised": 0, "unchanged": 0}
    for path in sorted(DATA_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for spec in doc["templates"]:
            meta = {
                k: spec.get(k, [] if k in ("sectors", "gas_uses") else "") for k in TEMPLATE_FIELDS
            }
            template = ChecklistTemplate.objects.filter(region_code="", code=spec["code"]).first()
            if template is None:
                create_template(
                    actor=actor, items=spec["items"], is_builtin=True, note="built-in", **meta
                )
                counts["created"] += 1
                continue
            before = template.versions.get(is_current=True)
            ChecklistTemplate.objects.filter(pk=template.pk).update(
                **{k: v for k, v in meta.items() if k != "code"}
            )
            amend_annotations(before, spec["items"], actor=actor)
            after = save_items(template, spec["items"], actor=actor, note="built-in update")
            changed = after.pk != before.pk or after.content_hash != before.content_hash
            counts["revised" if changed else "unchanged"] += 1
    return counts
