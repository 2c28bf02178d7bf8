"""Writes to units. Every function runs in one transaction and writes one audit event."""

import hashlib
import uuid
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event, record_events
from hazardloop.core.prepared import Prepared, prepared_cursor, run_together
from hazardloop.regions.choices import DepartmentKind
from hazardloop.regions.models import Department, Region
from hazardloop.units.choices import JobKind, JobStatus, RiskLevel
from hazardloop.units.models import Unit, UnitContact, UnitJob

# The fields a create/edit form or an import may set.
PROFILE_FIELDS = (
    "name",
    "uscc",
    "region_id",
    "sector_id",
    "address",
    "latitude",
    "longitude",
    "floor_area_m2",
    "floors",
    "is_high_rise",
    "is_underground",
    "business_hours",
    "is_fire_key_unit",
    "is_crowded_place",
    "is_public_gathering",
    "is_important_place",
    "gas_use",
    "lpg_cylinders",
    "lpg_stored_kg",
    "principal_name",
    "principal_phone",
    "safety_manager_name",
    "safety_manager_phone",
)


class DuplicateUSCC(Exception):
    """Another unit already has this USCC; `existing` is that unit."""

    def __init__(self, existing: Unit | None):
        super().__init__(_("A unit with this unified social credit code already exists."))
        self.existing = existing


class UnitChangedMeanwhile(Exception):
    pass


def snapshot(unit: Unit) -> dict:
    data = {f: getattr(unit, f) for f in PROFILE_FIELDS}
    data["risk_level"] = unit.risk_level
    return data


def pick_departments(chain: list[str], departments, sector_code: str) -> list:
    """From `departments` (with sectors prefetched), those that supervise a unit of this sector
    in the region whose codes, nearest first, are `chain` (管行业必须管安全): the industry
    departments of the nearest region that has departments, plus its fire service (fire safety
    covers every sector)."""
    return DepartmentPicker(departments).pick(chain, sector_code)


class DepartmentPicker:
    """pick_departments over the same departments many times (the importer): grouped by
    region, with their sectors as sets, once."""

    def __init__(self, departments):
        self.by_region: dict[str, list] = {}
        for d in departments:
            sectors = {s.code for s in d.sectors.all()}
            self.by_region.setdefault(d.region_id, []).append((d, sectors))

    def pick(self, chain: list[str], sector_code: str) -> list:
        for code in chain:
            here = self.by_region.get(code)
            if not here:
                continue
            chosen = [d for d, sectors in here if sector_code in sectors]
            chosen += [d for d, _s in here if d.kind == DepartmentKind.FIRE and d not in chosen]
            return chosen
        return []


def default_departments(region_code: str, sector_code: str) -> list[Department]:
    region = Region.objects.get(code=region_code)
    chain = [region.code, *[r.code for r in reversed(region.ancestors())]]
    departments = Department.objects.filter(region_id__in=chain).prefetch_related("sectors")
    return pick_departments(chain, list(departments), sector_code)


def _save_contacts(unit: Unit, contacts: list[dict]) -> None:
    unit.contacts.all().delete()
    UnitContact.objects.bulk_create(
        UnitContact(unit=unit, sort=i, **{k: c[k] for k in ("role_title", "name", "phone")})
        for i, c in enumerate(contacts)
    )


def _contacts_of(unit: Unit) -> list[dict]:
    return [
        {"role_title": c.role_title, "name": c.name, "phone": c.phone} for c in unit.contacts.all()
    ]


def create_unit(*, actor, data: dict, contacts: list[dict] | None = None, departments=None) -> Unit:
    """Create a unit from validated data (PROFILE_FIELDS keys). Raises DuplicateUSCC.

    Supervising departments default to `default_departments` for its region and sector.
    """
    existing = Unit.objects.filter(uscc=data["uscc"]).first()
    if existing is not None:
        raise DuplicateUSCC(existing)
    unit = Unit(**{k: v for k, v in data.items() if k in PROFILE_FIELDS})
    try:
        with transaction.atomic():
            unit.save()
            if departments is None:
                departments = default_departments(unit.region_id, unit.sector_id)
            unit.supervising_departments.set(departments)
            if contacts:
                _save_contacts(unit, contacts)
            record_event("unit.created", actor=actor, obj=unit, after=snapshot(unit))
    except IntegrityError:
        raise DuplicateUSCC(Unit.objects.filter(uscc=data["uscc"]).first()) from None
    return unit


def update_unit(
    unit: Unit, *, actor, data: dict, contacts: list[dict] | None = None, departments=None
) -> Unit:
    """Change the given profile fields (and contacts / departments when given).

    A changed USCC that another unit holds raises DuplicateUSCC. Writes nothing (and no audit
    event) when nothing changed.
    """
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        before = snapshot(locked)
        new_uscc = data.get("uscc", locked.uscc)
        if new_uscc != locked.uscc:
            other = Unit.objects.filter(uscc=new_uscc).exclude(pk=locked.pk).first()
            if other is not None:
                raise DuplicateUSCC(other)
        changed = [k for k, v in data.items() if k in PROFILE_FIELDS and getattr(locked, k) != v]
        for key in changed:
            setattr(locked, key, data[key])
        old_contacts = _contacts_of(locked)
        contacts_changed = contacts is not None and contacts != old_contacts
        old_departments = set(locked.supervising_departments.values_list("pk", flat=True))
        departments_changed = (
            departments is not None and {d.pk for d in departments} != old_departments
        )
        if not (changed or contacts_changed or departments_changed):
            return locked
        if changed:
            try:
                with transaction.atomic():
                    locked.save()
            except IntegrityError:
                raise DuplicateUSCC(Unit.objects.filter(uscc=new_uscc).first()) from None
        else:
            locked.save(update_fields=["updated_at"])
        if contacts_changed:
            _save_contacts(locked, contacts)
        if departments_changed:
            locked.supervising_departments.set(departments)
        after = snapshot(locked)
        if contacts_changed:
            before["contacts"], after["contacts"] = old_contacts, contacts
        if departments_changed:
            before["departments"] = sorted(old_departments)
            after["departments"] = sorted(d.pk for d in departments)
        record_event(
            "unit.updated",
            actor=actor,
            obj=locked,
            before={k: v for k, v in before.items() if after.get(k) != v},
            after={k: v for k, v in after.items() if before.get(k) != v},
        )
    return locked


def override_risk(unit: Unit, *, actor, level: str, reason: str) -> Unit:
    """Set the unit's risk level by hand. The reason, who and when are kept and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Give a reason for the override."))
    level = RiskLevel(level).value
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        before = {
            "risk_level": locked.risk_level,
            "risk_override": locked.risk_override,
            "reason": locked.risk_override_reason,
        }
        locked.risk_override = level
        locked.risk_override_reason = reason
        locked.risk_override_by = actor
        locked.risk_override_at = timezone.now()
        locked.save()
        record_event(
            "unit.risk_overridden",
            actor=actor,
            obj=locked,
            message=reason,
            before=before,
            after={"risk_level": locked.risk_level, "risk_override": level, "reason": reason},
        )
    return locked


def clear_risk_override(unit: Unit, *, actor, reason: str = "") -> Unit:
    """Return to the computed risk level. Audited; does nothing without an override."""
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if not locked.risk_override:
            return locked
        before = {"risk_level": locked.risk_level, "risk_override": locked.risk_override}
        locked.risk_override = ""
        locked.risk_override_reason = ""
        locked.risk_override_by = None
        locked.risk_override_at = None
        locked.save()
        record_event(
            "unit.risk_override_cleared",
            actor=actor,
            obj=locked,
            message=reason,
            before=before,
            after={"risk_level": locked.risk_level, "risk_override": ""},
        )
    return locked


def recompute_risk(
    unit: Unit, *, actor, open_major_hazards: int, open_hazards: int, overdue_hazards: int = 0
) -> Unit:
    """Feed one unit's hazard history into its risk level (see `recompute_risk_many`).

    `open_hazards` counts every open hazard, `open_major_hazards` the major ones among them,
    `overdue_hazards` the open ones past their rectification deadline. Idempotent: the same
    counts change nothing and write no event. Returns the unit as stored.
    """
    counts = {unit.pk: (open_hazards, open_major_hazards, overdue_hazards)}
    with transaction.atomic():
        changed = recompute_risk_many(counts, actor=actor)
        return changed[0] if changed else Unit.objects.get(pk=unit.pk)


RISK_COUNT_FIELDS = ("open_hazards", "open_major_hazards", "overdue_hazards")
# What a recount writes.
_RISK_COLUMNS = (
    *RISK_COUNT_FIELDS,
    "risk_score",
    "risk_computed",
    "risk_level",
    "risk_rank",
    "updated_at",
)
_LOCK_ONE = Prepared(lambda pk: Unit.objects.select_for_update().filter(pk=pk))
_update_one_sql: dict[str, str] = {}


def _update_risk_one(unit: Unit) -> None:
    """Write one unit's risk columns (an UPDATE built once per database, not per call)."""
    sql = _update_one_sql.get(connection.vendor)
    quote = connection.ops.quote_name
    if sql is None:
        sets = ", ".join(f"{quote(Unit._meta.get_field(f).column)} = %s" for f in _RISK_COLUMNS)
        sql = _update_one_sql[connection.vendor] = (
            f"UPDATE {quote(Unit._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"  # noqa: S608
        )
    params = [
        Unit._meta.get_field(f).get_db_prep_save(getattr(unit, f), connection)
        for f in _RISK_COLUMNS
    ]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, unit.pk])


def lock_query(unit_id: int) -> tuple:
    """One unit's lock (SELECT … FOR UPDATE of its row) as `core.prepared.run_together` takes
    it, for a caller that sends it in a round trip of its own making (a hazard step sends it
    after its compare-and-swap, with the count); give the units it reads to
    `recompute_risk_many(…, locked=…)`."""
    return (_LOCK_ONE, (unit_id,))


def recompute_risk_many(counts, *, actor=None, unit_ids=None, locked=None) -> list[Unit]:
    """Feed the hazard counts of many units into their risk levels (called by the hazards app).

    `counts` maps a unit id to (open hazards, open major hazards, overdue hazards), or is a
    function that returns that mapping for `unit_ids`: it is called once those units' rows are
    locked, so that two hazard changes at one unit count one after the other and neither
    overwrites the other's count. For one unit, a `counts` function with a
    `one_statement(unit_id)` method (the count's SQL, its parameters, and how to read its
    rows) is asked in the same round trip as the lock. The units are locked in id order;
    those whose counts differ get their risk columns recomputed (the override, if any,
    still decides the level), one bulk UPDATE, and one audit event each. Units whose counts
    are unchanged are not written. Returns the units that changed. `locked`: the units as
    `lock_query` read them, locked already by the caller in its transaction, with `counts`
    (a mapping) counted after the lock.
    """
    ids = sorted(set(unit_ids if callable(counts) else counts or ()))
    if not ids:
        return []
    now = timezone.now()
    # No savepoint inside the caller's transaction (the hazard step that called us): if the
    # units cannot be written, the hazard change must not commit either.
    with transaction.atomic(savepoint=False):
        one_count = getattr(counts, "one_statement", None) if len(ids) == 1 else None
        if locked is not None:
            units = locked
        elif one_count is not None:
            # A hazard step: the lock, then the count, sent together (the count is its own
            # statement after the lock, so it sees what was committed before the lock).
            sql, params, read = one_count(ids[0])
            units, rows = run_together((_LOCK_ONE, (ids[0],)), (sql, params))
            counts = {u.pk: read(rows) for u in units}
        elif len(ids) == 1:  # one unit, its lock compiled once per process
            units = _LOCK_ONE(ids[0])
        else:
            units = list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if callable(counts):
            counts = counts([u.pk for u in units])
        changed, audit = [], []
        for unit in units:
            new = tuple(max(0, int(n or 0)) for n in counts[unit.pk])
            old = tuple(getattr(unit, f) for f in RISK_COUNT_FIELDS)
            if new == old:
                continue
            before = {
                **dict(zip(RISK_COUNT_FIELDS, old, strict=True)),
                "risk_level": unit.risk_level,
                "risk_score": unit.risk_score,
            }
            for name, value in zip(RISK_COUNT_FIELDS, new, strict=True):
                setattr(unit, name, value)
            unit.refresh_derived()
            unit.updated_at = now
            changed.append(unit)
            audit.append(
                (
                    "unit.risk_recomputed",
                    {
                        "actor": actor,
                        "obj": unit,
                        "before": before,
                        "after": {
                            **dict(zip(RISK_COUNT_FIELDS, new, strict=True)),
                            "risk_level": unit.risk_level,
                            "risk_score": unit.risk_score,
                        },
                    },
                )
            )
        if len(changed) == 1:
            _update_risk_one(changed[0])
        elif changed:
            Unit.objects.bulk_update(changed, list(_RISK_COLUMNS), batch_size=500)
        if changed:
            record_events(audit)
    return changed


def record_lapsed_duties(counts: dict[int, int], *, actor=None) -> int:
    """Store each unit's count of lapsed duties (from the duty calendar's sweep) and feed it into
    its risk level. Units whose stored count is already `counts[id]` are not touched. The count
    changes with every patrol window, so it is written without an audit event of its own; a unit
    whose risk level changes because of it gets one `unit.risk_recomputed` event. Returns the
    number of units written."""
    # Most counts are unchanged from one sweep to the next: lock only the units that differ.
    stored = Unit.objects.filter(pk__in=list(counts)).values_list("pk", "lapsed_duties")
    ids = sorted(pk for pk, n in stored if n != max(0, int(counts[pk] or 0)))
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        units = list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        changed, audit = [], []
        for unit in units:
            new = max(0, int(counts[unit.pk] or 0))
            if new == unit.lapsed_duties:
                continue
            before = {
                "lapsed_duties": unit.lapsed_duties,
                "risk_level": unit.risk_level,
                "risk_score": unit.risk_score,
            }
            unit.lapsed_duties = new
            unit.refresh_derived()
            changed.append(unit)
            if unit.risk_level != before["risk_level"]:
                unit.updated_at = now
                after = {"lapsed_duties": new, "risk_level": unit.risk_level,
                         "risk_score": unit.risk_score}  # fmt: skip
                audit.append(
                    ("unit.risk_recomputed",
                     {"actor": actor, "obj": unit, "before": before, "after": after})
                )  # fmt: skip
        if changed:
            Unit.objects.bulk_update(
                changed,
                ["lapsed_duties", "risk_score", "risk_computed", "risk_level", "risk_rank",
                 "updated_at"],
                batch_size=500,
            )  # fmt: skip
            if audit:
                record_events(audit)
    return len(changed)


# --- imports and exports: starting the background jobs ----------------------------------------


def start_import(*, actor, upload, dry_run: bool = True, mapping: dict | None = None) -> UnitJob:
    """Store an uploaded file and queue its check (dry_run) or its import. Returns the job.
    `mapping` ({header text: field or ""}) corrects the recognised column mapping."""
    from hazardloop.units.jobs import run_unit_job

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        job = UnitJob(
            kind=JobKind.IMPORT,
            created_by=actor,
            filename=(upload.name or "upload")[:200],
            sha256=digest.hexdigest(),
            commit_requested=not dry_run,
            params={"mapping": mapping} if mapping else {},
        )
        job.file.save(f"import-{uuid.uuid4().hex}{Path(upload.name or '').suffix}", upload)
        record_event("unit_job.created", actor=actor, obj=job, message=job.filename)
        run_unit_job.enqueue(job.pk)
    return job


def commit_import(job: UnitJob, *, actor) -> UnitJob:
    """Queue the import of a checked file without problems (the second step after a dry run)."""
    from hazardloop.units.jobs import run_unit_job
    from hazardloop.units.workflow import transition

    if not job.can_commit:
        raise ValueError(_("Only a checked file without problems can be imported."))
    with transaction.atomic():
        transition(job, JobStatus.QUEUED, actor=actor, commit_requested=True, done=0)
        run_unit_job.enqueue(job.pk)
    return job


def remap_import(job: UnitJob, *, actor, choices: dict[int, str]) -> UnitJob:
    """Check a checked file again with the user's column mapping ({column index: field or ""}),
    and remember that mapping for the user and this header row. Raises MappingError."""
    from hazardloop.units.importing.mapping import clean_choices, remember_choices
    from hazardloop.units.jobs import run_unit_job
    from hazardloop.units.workflow import transition

    if not job.can_remap:
        raise ValueError(_("Only a checked file can be mapped again."))
    table = job.table
    choices = clean_choices(choices, len(table["columns"]))
    params = {**job.params, "choices": {str(k): v for k, v in choices.items()}}
    with transaction.atomic():
        transition(
            job, JobStatus.QUEUED, actor=actor, commit_requested=False, done=0, params=params
        )
        remember_choices(actor, table, choices)
        run_unit_job.enqueue(job.pk)
    return job


def record_streamed_export(*, actor, params: dict) -> None:
    """Audit a download of the unit register that streams while it is written (the register
    holds principals' phone numbers: every export of it is recorded, like the export jobs)."""
    record_event(
        "unit.export",
        actor=actor,
        object_type="units.unit",
        message="streamed download",
        after={k: str(v) for k, v in params.items()},
    )


def start_export(*, actor, params: dict) -> UnitJob:
    """Queue an export of the units matching params (UnitFilter parameters) for actor."""
    from hazardloop.units.jobs import run_unit_job

    with transaction.atomic():
        job = UnitJob.objects.create(kind=JobKind.EXPORT, created_by=actor, params=params)
        record_event("unit_job.created", actor=actor, obj=job, message="export")
        run_unit_job.enqueue(job.pk)
    return job
