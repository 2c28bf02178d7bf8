"""Units (生产经营单位 / 社会单位): every business and venue a regulator supervises.

A unit carries its region code (the scope filter) and a few columns derived from its facts so
that lists filter and sort on indexed columns: `risk_*` (risk.py), `search_text` and
`search_pairs` (search.py).
`save()` keeps the derived columns in step; bulk writes (the importer) call `refresh_derived()`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hazardloop.units import risk, search
from hazardloop.units.choices import RISK_RANK, GasUse, JobKind, JobStatus, RiskLevel

PUBLIC_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PUBLIC_ID_LENGTH = 12


def new_public_id() -> str:
    """12 characters from a 31-letter alphabet: about 59 bits, not guessable, easy to read.

    Random bytes below 248 (8 × 31) map evenly onto the alphabet; the rest are skipped. One
    call to the system's random source instead of twelve (imports make 100,000 at a time)."""
    out = ""
    while len(out) < PUBLIC_ID_LENGTH:
        out += "".join(
            PUBLIC_ID_ALPHABET[b % 31] for b in secrets.token_bytes(PUBLIC_ID_LENGTH) if b < 248
        )
    return out[:PUBLIC_ID_LENGTH]


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # Unique through Meta.constraints, not unique=True: that also builds a LIKE-pattern index on
    # PostgreSQL, which no query uses and every insert pays for.
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    public_id = models.CharField(
        _("public code"), max_length=PUBLIC_ID_LENGTH, default=new_public_id
    )
    # No single-column indexes on the foreign keys: the composite indexes below lead with them.
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("region"),
        db_index=False,
    )
    sector = models.ForeignKey(
        "regions.Sector",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("sector"),
        db_index=False,
    )
    supervising_departments = models.ManyToManyField(
        "regions.Department",
        blank=True,
        related_name="supervised_units",
        verbose_name=_("supervising departments"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    floor_area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    business_hours = models.CharField(_("business hours"), max_length=100, blank=True)
    # Building facts that some GB 35181 thresholds depend on (regulations.md §12.1): emergency
    # lighting damage counts above 30 % in high-rise and underground buildings, 50 % elsewhere;
    # stairwell doors above 20 % in a high-rise building with a crowded place, 50 % elsewhere.
    is_high_rise = models.BooleanField(
        _("in a high-rise building"),
        default=False,
        help_text=_("Residential buildings over 27 m, other buildings over 24 m (GB 50016)."),
    )
    is_underground = models.BooleanField(
        _("in an underground building or space"),
        default=False,
        help_text=_("A basement, semi-basement or other underground building or place."),
    )

    is_fire_key_unit = models.BooleanField(_("fire-safety key unit"), default=False)
    is_crowded_place = models.BooleanField(_("crowded place"), default=False)
    is_public_gathering = models.BooleanField(_("public gathering place"), default=False)
    # GB 35181-2017 §3.6 重要场所 (state organs, utility dispatch centres, broadcasting and
    # telecom hubs, power plants, provincial museums and archives, key research facilities,
    # metro…): its own list, not the same as a fire-safety key unit (regulations.md §12.1).
    is_important_place = models.BooleanField(
        _("important place (GB 35181-2017)"),
        default=False,
        help_text=_(
            "State organs, utility dispatch centres, broadcasting and telecom hubs, power "
            "plants, provincial museums and archives, key research facilities, metro and the "
            "like (GB 35181-2017 §3.6). Not the same as a fire-safety key unit."
        ),
    )
    gas_use = models.CharField(
        _("gas use"), max_length=16, choices=GasUse.choices, default=GasUse.NONE
    )
    lpg_cylinders = models.PositiveSmallIntegerField(_("LPG cylinders"), default=0)
    lpg_stored_kg = models.PositiveIntegerField(_("LPG stored (kg)"), default=0)

    principal_name = models.CharField(_("principal responsible person"), max_length=50, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=32, blank=True)
    safety_manager_name = models.CharField(_("safety manager"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("safety manager's phone"), max_length=32, blank=True)

    # Risk: the effective level (override if any, else computed) is what lists filter on.
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.BLUE
    )
    risk_rank = models.PositiveSmallIntegerField(_("risk rank"), default=1, editable=False)
    risk_score = models.PositiveSmallIntegerField(_("risk score"), default=0, editable=False)
    risk_computed = models.CharField(
        _("computed risk level"),
        max_length=8,
        choices=RiskLevel.choices,
        default=RiskLevel.BLUE,
        editable=False,
    )
    risk_override = models.CharField(
        _("risk level override"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    risk_override_reason = models.TextField(_("reason for the override"), blank=True)
    risk_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
        db_index=False,  # a partial index below: almost every unit has none
    )
    risk_override_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    # Filled by the hazards app through services.recompute_risk.
    open_hazards = models.PositiveIntegerField(_("open hazards"), default=0, editable=False)
    open_major_hazards = models.PositiveIntegerField(
        _("open major hazards"), default=0, editable=False
    )
    overdue_hazards = models.PositiveIntegerField(_("overdue hazards"), default=0, editable=False)
    # Filled by the duty calendar's sweep (obligations.jobs) through services.record_lapsed_duties.
    lapsed_duties = models.PositiveIntegerField(_("lapsed duties"), default=0, editable=False)

    search_text = models.TextField(editable=False, blank=True, default="")
    search_pairs = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["region", "id"], name="unit_region_id"),
            models.Index(fields=["sector", "region"], name="unit_sector_region"),
            models.Index(fields=["risk_level", "region"], name="unit_risk_region"),
            models.Index(fields=["gas_use", "region"], name="unit_gas_region"),
            models.Index(fields=["name", "id"], name="unit_name_id"),
            models.Index(fields=["region", "name", "id"], name="unit_region_name_id"),
            models.Index(fields=["risk_rank", "id"], name="unit_riskrank_id"),
            models.Index(fields=["updated_at", "id"], name="unit_updated_id"),
            models.Index(
                fields=["risk_override_by"],
                name="unit_override_by",
                condition=models.Q(risk_override_by__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], name="unit_uscc_unique"),
            models.UniqueConstraint(fields=["public_id"], name="unit_public_id_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "risk_score",
                "risk_computed",
                "risk_level",
                "risk_rank",
                "search_text",
                "search_pairs",
            }
        super().save(*args, **kwargs)

    def refresh_derived(self) -> None:
        """Recompute the risk columns and the search text from the unit's own facts."""
        for name, value in derived_values(self).items():
            setattr(self, name, value)

    @property
    def hazard_history_score(self) -> int:
        return risk.hazard_history_score(
            self.open_major_hazards, self.open_hazards, self.overdue_hazards
        )

    @property
    def lapsed_duty_score(self) -> int:
        return risk.lapsed_duty_score(self.lapsed_duties)

    @property
    def has_risk_override(self) -> bool:
        return bool(self.risk_override)


def derived_values(unit) -> dict:
    """The risk columns and the search columns of `unit` (a Unit, or any object with its
    attributes: the importer passes its rows without making model instances)."""
    result = risk.compute_for(unit)
    level = unit.risk_override or result.level
    text, pairs = search.search_columns(unit.name, unit.uscc, unit.address)
    return {
        "risk_score": min(result.score, 32767),
        "risk_computed": result.level,
        "risk_level": level,
        "risk_rank": RISK_RANK[RiskLevel(level)],
        "search_text": text,
        "search_pairs": pairs,
    }


class UnitContact(models.Model):
    """Another contact of the unit (e.g. the fire-safety administrator, the kitchen chief)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contacts")
    role_title = models.CharField(_("role"), max_length=50)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=32)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["unit_id", "sort", "id"]
        verbose_name = _("unit contact")
        verbose_name_plural = _("unit contacts")

    def __str__(self) -> str:
        return f"{self.role_title} {self.name}"


class UnitJob(models.Model):
    """An import or export run in the background, with its progress (polled by the page).

    Imports: queued → checking → checked (dry run done; `errors` lists every problem row) →
    queued → committing → committed, or failed (nothing changed). Exports: queued → exporting →
    done / failed. Status changes go through `workflow.transition`.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    commit_requested = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_jobs"
    )
    file = models.FileField(upload_to="unit_jobs/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("unit import or export")
        verbose_name_plural = _("unit imports and exports")
        indexes = [models.Index(fields=["created_by", "-id"], name="unitjob_user_id")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.filename}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.is_finished else 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (
            JobStatus.CHECKED,
            JobStatus.COMMITTED,
            JobStatus.DONE,
            JobStatus.FAILED,
        )

    @property
    def can_commit(self) -> bool:
        return (
            self.kind == JobKind.IMPORT
            and self.status == JobStatus.CHECKED
            and not self.errors
            and self.total > 0
            and bool(self.file)
        )

    @property
    def table(self) -> dict:
        """The dry run's view of the sheet (importing.mapping.describe): header row, columns
        with their mapping and sample values, unknown columns, missing required fields."""
        return (self.params or {}).get("table") or {}

    @property
    def can_remap(self) -> bool:
        """A checked import whose column mapping the user may still correct."""
        return (
            self.kind == JobKind.IMPORT
            and self.status == JobStatus.CHECKED
            and bool(self.file)
            and bool(self.table.get("columns"))
        )


class ImportMapping(models.Model):
    """How one user maps the columns of one header row (by its signature, importing/columns.py):
    remembered when they correct it or import with it, applied to their next sheet with the
    same header row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_import_mappings"
    )
    signature = models.CharField(max_length=40)
    headers = models.JSONField(default=list)
    choices = models.JSONField(default=dict)  # {"column index": field, or "" to ignore it}
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remembered import column mapping")
        verbose_name_plural = _("remembered import column mappings")
        constraints = [
            models.UniqueConstraint(fields=["user", "signature"], name="importmapping_user_sig")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.signature[:8]}"
