"""Special campaigns (专项行动), cascaded down the hierarchy, run as task lists and task forces.

A campaign belongs to the region of the level that issued it (`region_code`, the scope filter).
A city or county takes up its parent's campaign by *adopting* it: the adoption is a campaign of
its own whose `parent` is the upper one; it may narrow the scope (regions, sectors, unit
filters) and add focus items and checklists. The effective scope of a campaign is its own scope
intersected with every ancestor's (scoping.py). Status changes go through `workflow.py`.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.accounts.access import scope_for
from hazardloop.campaigns.choices import (
    CampaignStatus,
    EventKind,
    MemberRole,
    TaskSource,
    TaskStatus,
)
from hazardloop.regions import codes as region_codes
from hazardloop.units.models import Unit


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = "campaign.view"):
        """Campaigns of the user's regions and below, plus the upper levels' campaigns that
        reach them (so that a county sees the province's campaign it has to adopt)."""
        scope = scope_for(user, perm)
        if scope.everything:
            return self
        condition = scope.q("region_code", None)
        codes: set[str] = set()
        for prefix in scope.prefixes:
            codes.update(ancestor_codes(prefix))
        if scope.unit_ids:
            for code in Unit.objects.filter(pk__in=scope.unit_ids).values_list(
                "region_id", flat=True
            ):
                codes.update(ancestor_codes(code))
                codes.add(code)
        if codes:
            condition |= Q(region_code__in=sorted(codes))
        return self.filter(condition)


class Campaign(models.Model):
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )
    root_id_value = models.BigIntegerField(_("root campaign"), null=True, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    region_code = models.CharField(_("region"), max_length=12, db_index=True)
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing department"),
    )
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # Scope: region codes inside `region` (empty: all of it), sector codes (empty: all) and
    # unit filters (empty: all units; otherwise any of them).
    scope_regions = models.JSONField(_("regions"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    unit_filters = models.JSONField(_("unit filters"), default=list, blank=True)
    checklists = models.JSONField(_("checklists (id or code)"), default=list, blank=True)
    focus_items = models.JSONField(_("focus items"), default=list, blank=True)
    target_coverage_pct = models.PositiveSmallIntegerField(_("coverage target (%)"), default=100)
    target_major_recheck_pct = models.PositiveSmallIntegerField(
        _("re-inspection of majors target (%)"), default=100
    )
    target_training_pct = models.PositiveSmallIntegerField(
        _("training and drill coverage target (%)"), default=0
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["region_code", "starts_on"], name="campaign_region")]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "region"],
                condition=Q(parent__isnull=False),
                name="campaign_adopted_once_per_region",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def root_id(self) -> int:
        return self.root_id_value or self.pk

    @property
    def level(self) -> str:
        return self.region.level


class CampaignEvent(models.Model):
    """Append-only history of a campaign: launches, adoptions, task lists, draws."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class TaskForce(models.Model):
    """A task force (专班) or inspection team of a campaign, composed of cadres and experts."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="task_forces")
    region_code = models.CharField(_("region"), max_length=12, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign_id", "name"]
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="task_force_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices)
    # The member's home region (a township code where known): the draw's exclusion rule.
    home_region_code = models.CharField(_("home region"), max_length=12)

    class Meta:
        ordering = ["task_force_id", "role", "id"]
        verbose_name = _("task force member")
        verbose_name_plural = _("task force members")
        constraints = [
            models.UniqueConstraint(fields=["task_force", "user"], name="task_force_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class RandomDraw(models.Model):
    """A double-random draw (双随机): units and inspectors drawn with a recorded seed.

    The candidate pools are frozen in the row, so the draw can be re-produced at any time from
    (pools, seed, parameters) by `draw.run_draw` and compared with the published result.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="draws")
    region_code = models.CharField(_("region"), max_length=12, db_index=True)
    seed = models.CharField(_("seed"), max_length=64)
    unit_count = models.PositiveIntegerField(_("units drawn"))
    inspectors_per_unit = models.PositiveSmallIntegerField(_("inspectors per unit"), default=2)
    exclude_same_township = models.BooleanField(
        _("exclude inspectors from the unit's township"), default=True
    )
    unit_pool = models.JSONField(default=list)
    inspector_pool = models.JSONField(default=list)  # [[user id, home region code], ...]
    result = models.JSONField(default=list)  # [{"unit": id, "inspectors": [ids]}, ...]
    drawn_at = models.DateTimeField(_("drawn"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("double-random draw")
        verbose_name_plural = _("double-random draws")

    def __str__(self) -> str:
        return f"draw #{self.pk} ({self.seed})"


class InspectionTask(models.Model):
    """One inspection to do at one unit by a date: from a campaign's task list, a draw, or the
    frequency policy (then without a campaign).

    A unit has at most one open task per campaign, whichever level's list or draw set it: `root`
    is the campaign every level's adoption belongs to, and the partial unique constraint
    `task_open_once_per_campaign_unit` holds it in the database. The task sits with the lowest
    level that has acted on the unit (`services.generate_tasks`, `services.draw_units`); a
    drawn task carries its `draw` and the drawn `inspectors`.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    root = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the (root, unit) index below leads with it
        verbose_name=_("campaign (all levels)"),
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("region"), max_length=12)
    source = models.CharField(_("source"), max_length=10, choices=TaskSource.choices)
    due_on = models.DateField(_("due"))
    task_force = models.ForeignKey(
        TaskForce,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("task force"),
    )
    draw = models.ForeignKey(
        RandomDraw, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    inspection_id = models.BigIntegerField(_("inspection"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        indexes = [
            models.Index(fields=["region_code", "due_on"], name="task_region_due"),
            models.Index(fields=["campaign", "status"], name="task_campaign_status"),
            models.Index(fields=["unit", "status"], name="task_unit_status"),
            models.Index(fields=["root", "unit"], name="task_root_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["root", "unit"],
                condition=Q(status=TaskStatus.OPEN, root__isnull=False),
                name="task_open_once_per_campaign_unit",
            ),
            models.UniqueConstraint(
                fields=["campaign", "unit", "source"],
                condition=Q(campaign__isnull=False),
                name="task_once_per_campaign_unit_source",
            ),
            models.UniqueConstraint(
                fields=["unit", "due_on"],
                condition=Q(campaign__isnull=True),
                name="task_frequency_once_per_unit_day",
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.unit_id} by {self.due_on}"


class SelfInspectionInvite(models.Model):
    """A unit in scope is asked to self-inspect (自查自改) with the campaign's checklists first.

    Its answer is the unit's own self-inspection: the same inspection and hazard ledger the
    regulators see (report once), matched by unit, mode and period in the statistics.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invites")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(_("region"), max_length=12)
    invited_at = models.DateTimeField(_("invited"))
    due_on = models.DateField(_("self-inspect by"))

    class Meta:
        ordering = ["-invited_at", "-id"]
        verbose_name = _("self-inspection invitation")
        verbose_name_plural = _("self-inspection invitations")
        indexes = [models.Index(fields=["region_code", "campaign"], name="invite_region")]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="invite_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"invite {self.unit_id} to {self.campaign_id}"


class FrequencyPolicy(models.Model):
    """How often a unit of a risk level must be inspected in a region (most specific prefix
    wins; settings.CAMPAIGN_FREQUENCY_DAYS without a row). No national figure fixes these."""

    region_prefix = models.CharField(_("region code prefix"), max_length=12)
    risk_level = models.CharField(_("risk level"), max_length=8)
    interval_days = models.PositiveSmallIntegerField(_("every (days)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inspection frequency policy")
        verbose_name_plural = _("inspection frequency policies")
        constraints = [
            models.UniqueConstraint(
                fields=["region_prefix", "risk_level"], name="frequency_policy_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_prefix} {self.risk_level}: {self.interval_days}"


# Region-code arithmetic lives in `regions.codes`; these names stay for the campaign modules.
ancestor_codes = region_codes.ancestor_codes
region_range_q = region_codes.code_subtree_filter
region_prefix = region_codes.prefix


class DailyRun(models.Model):
    """Marks a once-a-day sweep step as done for a local date (claimed by insert)."""

    step = models.CharField(max_length=60)
    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["step", "day"], name="daily_run_once")]

    def __str__(self) -> str:
        return f"{self.step} {self.day}"


def claim_daily_run(step: str, day) -> bool:
    """True for the first caller of (step, day); False if it already ran that day."""
    try:
        with transaction.atomic():
            DailyRun.objects.create(step=step, day=day)
    except IntegrityError:
        return False
    return True
