"""The hazard (事故隐患), its append-only events, plans, extensions and verifications.

A hazard's status only changes through `hazards.workflow` (a transition table and one
compare-and-swap helper); its `version` is the compare-and-swap token. `region_code` is copied
from the unit: it is the scope filter and the distribution key.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.choices import (
    OPEN_STATUSES,
    REGULATOR_CLOCKS,
    Category,
    ClockKind,
    ClockRung,
    DeterminationMethod,
    DeterminationState,
    EventKind,
    ExportStatus,
    ExtensionStatus,
    Grade,
    ListedLevel,
    PhotoRole,
    Source,
    Status,
    SupervisionLevel,
    VerificationResult,
)
from hazardloop.hazards.querysets import HazardQuerySet


class Hazard(models.Model):
    # No index of its own: hazard_unit_status leads with it. One index fewer to write at each
    # step: a step moves the status, so the row is written again in every index of this table.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="hazards",
        verbose_name=_("unit"),
        db_index=False,
    )
    region_code = models.CharField(_("region"), max_length=12)
    sector_code = models.CharField(_("sector"), max_length=32, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.OTHER
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    grade_reason = models.CharField(_("grading reason"), max_length=400, blank=True)
    grade_rule_set = models.CharField(_("rule set"), max_length=40, blank=True)
    grade_basis = models.JSONField(default=dict, blank=True)
    grade_overridden = models.BooleanField(_("grade overridden"), default=False)
    grade_override_reason = models.TextField(_("reason for the override"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=400, blank=True)
    rule_refs = models.JSONField(_("rule elements"), default=list, blank=True)
    # "pending": a possible major hazard no rule set in force decides (hazards.grading); a
    # person determines it (HazardDetermination), which makes it "determined".
    determination = models.CharField(
        _("major-hazard determination"),
        max_length=12,
        choices=DeterminationState.choices,
        default=DeterminationState.NOT_NEEDED,
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    measures = models.TextField(_("measures"), blank=True)

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FOUND
    )
    found_at = models.DateTimeField(_("found"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("found by"),
    )
    ordered_at = models.DateTimeField(_("ordered"), null=True, blank=True)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("original deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    supervision_level = models.CharField(
        _("supervision"),
        max_length=16,
        choices=SupervisionLevel.choices,
        default=SupervisionLevel.NONE,
    )
    listed_level = models.CharField(
        _("listed at"), max_length=10, choices=ListedLevel.choices, blank=True
    )
    # The clock of the open state (hazards.deadlines.clock_changes, written by the same
    # compare-and-swap UPDATE as the status): found → ordered by `clock_due_at` (order),
    # ordered/rectifying → `due_at` (rectify), submitted → re-checked (verify). Empty when done.
    clock = models.CharField(_("waiting for"), max_length=8, choices=ClockKind.choices, blank=True)
    clock_due_at = models.DateTimeField(_("time limit"), null=True, blank=True)
    # Computed with weekdays only: a year it crosses had no holiday calendar loaded.
    clock_estimated = models.BooleanField(_("time limit estimated"), default=False)
    # A regulator's clock (order, verify) that lapsed climbs here; reset with every new clock.
    clock_rung = models.CharField(
        _("time limit missed"), max_length=10, choices=ClockRung.choices, blank=True
    )
    campaign_id = models.BigIntegerField(_("campaign"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [
            # The ledger: newest first, keyset on (found_at, id), narrowed by region range.
            models.Index(fields=["region_code", "found_at", "id"], name="hazard_region_found"),
            models.Index(fields=["found_at", "id"], name="hazard_found"),
            models.Index(fields=["unit", "status"], name="hazard_unit_status"),
            models.Index(fields=["status", "region_code"], name="hazard_status_region"),
            # The sweep and the "overdue" filter only ever look at open hazards.
            models.Index(
                fields=["due_at"],
                name="hazard_open_due",
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
            ),
            # The ledger's "open" and "overdue" views, newest first (5 % of the rows); the
            # deadline is a key column so "overdue" is an index condition, not a heap filter.
            models.Index(
                fields=["found_at", "id", "due_at"],
                name="hazard_open_found_due",
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
            ),
            # A region's open hazards by grade and deadline ("county X, overdue majors"): every
            # condition is an index condition, so only the matching rows are fetched.
            models.Index(
                fields=["region_code", "grade", "due_at"],
                name="hazard_open_region_grade_due",
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
            ),
            # The clock sweep and the "time limit missed" figures: open hazards waiting for a
            # regulator (to order, to re-check), by kind and time limit.
            models.Index(
                fields=["clock", "clock_due_at"],
                name="hazard_regulator_clock",
                condition=Q(
                    status__in=[s.value for s in OPEN_STATUSES],
                    clock__in=[c.value for c in REGULATOR_CLOCKS],
                ),
            ),
            models.Index(
                fields=["region_code", "found_at"],
                name="hazard_major_region",
                condition=Q(grade="major"),
            ),
            # The ledger's "determination pending" filter and the dashboard's count.
            models.Index(
                fields=["region_code", "found_at"],
                name="hazard_determination_pending",
                condition=Q(determination="pending"),
            ),
            # The office workbench's first rows of "to order" and "to verify", in their order
            # (a province office at 5M hazards: 4.8 s and 5.7 s each without them).
            models.Index(
                fields=["clock_due_at", "found_at", "id"],
                name="hazard_to_order",
                condition=Q(status="found"),
            ),
            models.Index(
                fields=["submitted_at", "id"],
                name="hazard_to_verify",
                condition=Q(status="submitted"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def is_overdue(self, now) -> bool:
        return self.status in OPEN_STATUSES and self.due_at is not None and self.due_at < now

    def clock_lapsed(self, now) -> bool:
        """A regulator's clock (order, re-check) ran out at `now` (the unit's is `is_overdue`)."""
        return (
            self.status in OPEN_STATUSES
            and self.clock in REGULATOR_CLOCKS
            and self.clock_due_at is not None
            and self.clock_due_at < now
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_major(self) -> bool:
        return self.grade == Grade.MAJOR


class HazardEvent(models.Model):
    """Append-only: one row per transition or action on a hazard. Never updated."""

    # No index of its own: hazard_event_hazard_at leads with it (one index fewer at each step).
    hazard = models.ForeignKey(
        Hazard, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        indexes = [models.Index(fields=["hazard", "at"], name="hazard_event_hazard_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


class RectificationPlan(models.Model):
    """The six parts of a major hazard's rectification plan (16号令 Art. 15, regulations §2.2)."""

    PARTS = (
        "targets_and_tasks",
        "methods_and_measures",
        "funds_and_materials",
        "organisation_and_people",
        "time_limit_and_requirements",
        "safety_and_contingency",
    )

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="plan")
    targets_and_tasks = models.TextField(_("targets and tasks"), blank=True)
    methods_and_measures = models.TextField(_("methods and measures"), blank=True)
    funds_and_materials = models.TextField(_("funds and materials"), blank=True)
    organisation_and_people = models.TextField(_("organisation and people"), blank=True)
    time_limit_and_requirements = models.TextField(_("time limit and requirements"), blank=True)
    safety_and_contingency = models.TextField(_("safety measures and contingency plan"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")

    def __str__(self) -> str:
        return f"plan for {self.hazard_id}"

    def missing_parts(self) -> list[str]:
        return [p for p in self.PARTS if not (getattr(self, p) or "").strip()]

    @property
    def is_complete(self) -> bool:
        return not self.missing_parts()


class ExtensionRequest(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    reason = models.TextField(_("reason"))
    previous_due_at = models.DateTimeField(_("deadline before"), null=True, blank=True)
    proposed_due_at = models.DateTimeField(_("proposed deadline"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    granted_due_at = models.DateTimeField(_("granted deadline"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(status="pending"),
                name="extension_one_pending_per_hazard",
            )
        ]

    def __str__(self) -> str:
        return f"extension for {self.hazard_id} ({self.status})"


class Verification(models.Model):
    """A re-check (复查) or, for a major hazard, the on-site acceptance (验收) with its team."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="verifications")
    event = models.OneToOneField(HazardEvent, on_delete=models.PROTECT, related_name="verification")
    is_acceptance = models.BooleanField(_("acceptance of a major hazard"), default=False)
    requested_at = models.DateTimeField(_("requested"))
    due_by = models.DateTimeField(_("to be done by"), null=True, blank=True)
    performed_at = models.DateTimeField(_("performed"))
    on_site = models.BooleanField(_("on site"), default=True)
    result = models.CharField(_("result"), max_length=8, choices=VerificationResult.choices)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    team = models.JSONField(_("team"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-performed_at", "-id"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")

    def __str__(self) -> str:
        return f"verification of {self.hazard_id}: {self.result}"


class ExpertAssignment(models.Model):
    """An expert assigned to a hazard may advise on it and verify it."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        constraints = [
            models.UniqueConstraint(fields=["hazard", "expert"], name="expert_assigned_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} on {self.hazard_id}"


class HazardPhoto(models.Model):
    """A before/after photo of a hazard, attached by the event that brought it."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        HazardEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    photo = models.ForeignKey("evidence.Photo", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=PhotoRole.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("hazard photo")
        verbose_name_plural = _("hazard photos")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "photo", "role"], name="hazard_photo_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} photo {self.photo_id} of {self.hazard_id}"


# --- configuration kept as data ---------------------------------------------------------------


class RuleSet(models.Model):
    """A versioned set of major-hazard rules (e.g. GB 35181-2017), chosen by the finding date.

    `data` is the rule file's content (see hazards/grading.py for the format). Adding a newer
    version (GB 35181-2025) is loading a file with `manage.py load_rule_set`, not a code change.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    family = models.CharField(_("family"), max_length=20)
    # The standard's edition ("2017", "2025"): element codes name it, "gb35181-2017:7.3.10".
    edition = models.CharField(_("edition"), max_length=12, blank=True)
    title = models.CharField(_("title"), max_length=200)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    data = models.JSONField()
    loaded_at = models.DateTimeField(auto_now=True)
    # Every save through the editor, the API or load_rule_set is a RuleSetVersion.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["family", "-valid_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return self.code


class RuleSetVersion(models.Model):
    """One saved state of a rule set (append-only): who, when, why, and the whole document."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField()
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved"))

    class Meta:
        ordering = ["rule_set", "-number"]
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "number"], name="rule_set_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule_set_id} v{self.number}"


class HazardDetermination(models.Model):
    """A person's determination of a possible major hazard (GB 35181-2017 Ch. 4): collective
    discussion by at least 3 people, or expert review by at least 7 with two thirds agreeing."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="determinations")
    method = models.CharField(_("method"), max_length=12, choices=DeterminationMethod.choices)
    members = models.JSONField(_("members and votes"), default=list)
    agreeing = models.PositiveSmallIntegerField(_("agreeing"))
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Grade.choices)
    elements = models.JSONField(_("elements considered"), default=list, blank=True)
    basis = models.TextField(_("basis of the conclusion"))
    basis_document = models.CharField(_("basis document"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))
    event = models.OneToOneField(
        HazardEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("major-hazard determination")
        verbose_name_plural = _("major-hazard determinations")

    def __str__(self) -> str:
        return f"determination of {self.hazard_id}: {self.conclusion}"


class GradingExclusion(models.Model):
    """A recorded exclusion (GB 35181-2017 §5.1.3, 2025 §4.2): it excuses one element (at one
    location) at a unit from the date of the review until its end date, nothing else."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True)
    family = models.CharField(_("rule family"), max_length=20)
    clause = models.CharField(_("clause"), max_length=20)
    # The element reviewed, with its edition ("gb35181-2017:7.3.10"). Rows recorded before
    # exclusions were scoped have none and excuse nothing.
    element = models.CharField(_("element"), max_length=40, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hazard = models.ForeignKey(
        Hazard,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exclusions",
        verbose_name=_("hazard reviewed"),
    )
    basis_document = models.CharField(_("basis document"), max_length=200, blank=True)
    valid_from = models.DateField(_("in effect from"), null=True, blank=True)
    valid_until = models.DateField(_("in effect until"), null=True, blank=True)
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("grading exclusion")
        verbose_name_plural = _("grading exclusions")
        indexes = [models.Index(fields=["unit", "family"], name="exclusion_unit_family")]

    def __str__(self) -> str:
        return f"{self.family} {self.clause} @ {self.unit_id}"


class DeadlinePolicy(models.Model):
    """The default rectification deadline for a grade (and optionally a category) in a region.

    The most specific row wins: the longest region prefix, then a category match over "any".
    Without any row, settings.HAZARD_DEFAULT_DEADLINE_DAYS applies.
    """

    region_prefix = models.CharField(_("region code prefix"), max_length=12)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    category = models.CharField(_("category"), max_length=32, blank=True)
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("working days"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(
                fields=["region_prefix", "grade", "category"], name="deadline_policy_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_prefix} {self.grade} {self.category or '*'}: {self.days}"


class HolidayYear(models.Model):
    """One year's public holidays and make-up working days, as loaded from a calendar file."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True)
    document = models.JSONField()
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("holiday calendar")
        verbose_name_plural = _("holiday calendars")

    def __str__(self) -> str:
        return str(self.year)


class HazardExport(models.Model):
    """A ledger export written by the background worker (never inside a web request): queued →
    running → done (the file is kept HAZARD_EXPORT_FILE_DAYS) or failed. Its creator's alone."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hazard_exports"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows = models.PositiveIntegerField(default=0)
    # .xlsx or .csv (lib/sheets.py FORMATS); progress while the worker writes
    format = models.CharField(max_length=4, default="xlsx")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # more rows matched than HAZARD_EXPORT_MAX_ROWS: how many (the file holds the first rows)
    matched = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="hazard_exports/%Y/%m/", blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")

    def __str__(self) -> str:
        return f"hazard export #{self.pk}"

    @property
    def capped(self) -> bool:
        return self.matched > self.rows > 0

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0
