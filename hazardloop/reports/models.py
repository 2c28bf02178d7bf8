"""The scheduling-report archive and its subscriptions.

A `ScheduledReport` is one generated daily scheduling report (调度日报) or weekly notice (通报)
for a region (and optionally a campaign), with its .xlsx and PDF files; generating the same
(kind, region, campaign, day) again returns the archived one. A `ReportSubscription` names who
receives a level's reports.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily scheduling report")
    WEEKLY = "weekly", _("Weekly notice")


class ReportSubscription(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(_("region"), max_length=12, db_index=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    daily = models.BooleanField(_("daily report"), default=True)
    weekly = models.BooleanField(_("weekly notice"), default=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self) -> str:
        return f"{self.region_code} / {self.campaign_id or '-'}"


class ScheduledReport(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("region"), max_length=12)
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("day"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.JSONField(default=list)  # the generated sentences
    data = models.JSONField(default=dict)  # the figures, as printed
    xlsx = models.FileField(upload_to="reports/%Y/%m/")
    pdf = models.FileField(upload_to="reports/%Y/%m/")
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("scheduling report")
        verbose_name_plural = _("scheduling reports")
        indexes = [models.Index(fields=["region_code", "day"], name="report_region_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "campaign", "day"],
                name="report_once_per_day_with_campaign",
                condition=Q(campaign__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["kind", "region", "day"],
                name="report_once_per_day",
                condition=Q(campaign__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


# Maintained aggregates behind `stats.region_stats` (see `aggregates.py`, docs/campaigns.md).
# Keyed by the record's full region code and local day; every count is additive over days and
# regions. Rebuilt per (region_code, day) bucket by `aggregates.refresh`, never edited elsewhere.


class HazardDay(models.Model):
    """Hazards by the day they were found, in their current state. `due_day` is the local day
    of the deadline for the open ones (null for rectified ones), so that "overdue at now" is
    the open count of the buckets due before today plus an exact count for today."""

    region_code = models.CharField(max_length=12)
    day = models.DateField()
    campaign_id = models.BigIntegerField(null=True)
    sector_code = models.CharField(max_length=32)
    category = models.CharField(max_length=32)
    due_day = models.DateField(null=True)
    found = models.PositiveIntegerField(default=0)
    major = models.PositiveIntegerField(default=0)
    rectified = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    listed = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    # Open hazards waiting for the regulator (order, verify: `clock`) by the local day of the
    # time limit (`clock_day`); "" and null for the others.
    clock = models.CharField(max_length=8, default="", db_default="")
    clock_day = models.DateField(null=True)
    waiting = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "day"], name="stats_hazard_region_day"),
            # a province (or any wide region) over a period: the period's rows, not a scan
            models.Index(fields=["day", "region_code"], name="stats_hazard_day_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"


class RectifiedDay(models.Model):
    """Hazards rectified (verified or closed) by the local day of rectification (the trend),
    kept per found day so that it is rebuilt with the same buckets as `HazardDay`."""

    region_code = models.CharField(max_length=12)
    day = models.DateField()
    found_day = models.DateField()
    campaign_id = models.BigIntegerField(null=True)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "day"], name="stats_rectified_region_day"),
            models.Index(fields=["region_code", "found_day"], name="stats_rectified_region_found"),
            models.Index(fields=["day", "region_code"], name="stats_rectified_day_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"


class InspectionDay(models.Model):
    """Inspections by the day they were received, one column per mode (inspections/choices.py
    `Mode`; a test fails when a mode has no column)."""

    region_code = models.CharField(max_length=12)
    day = models.DateField()
    campaign_id = models.BigIntegerField(null=True)
    routine = models.PositiveIntegerField(default=0)
    patrol = models.PositiveIntegerField(default=0)
    campaign = models.PositiveIntegerField(default=0)
    self_inspection = models.PositiveIntegerField(default=0)
    unannounced = models.PositiveIntegerField(default=0)
    leader_led = models.PositiveIntegerField(default=0)
    joint = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "day"], name="stats_insp_region_day"),
            models.Index(fields=["day"], name="stats_insp_day"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"


class UnitLast(models.Model):
    """Per unit and inspection region code: the local day of its last inspection other than a
    self-inspection and of its last self-inspection. For a period that ends on or after the
    last inspection day, "units inspected in the period" is the count of `last_own >= start`.
    `split`: the unit has inspections under more than one region code (then counted live)."""

    unit_id = models.BigIntegerField()
    region_code = models.CharField(max_length=12)
    last_own = models.DateField(null=True)
    last_self = models.DateField(null=True)
    split = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "last_own"], name="stats_unitlast_own"),
            models.Index(fields=["region_code", "last_self"], name="stats_unitlast_self"),
            models.Index(fields=["unit_id"], name="stats_unitlast_unit"),
            models.Index(
                fields=["region_code"], name="stats_unitlast_split", condition=models.Q(split=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.region_code}"


class UnitLastDay(models.Model):
    """`UnitLast` counted per region code and last day (`is_self`: of self-inspections), so
    that "units inspected since a day" sums a few rows per region and day."""

    region_code = models.CharField(max_length=12)
    day = models.DateField()
    is_self = models.BooleanField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "day"], name="stats_unitlastday_region"),
            models.Index(fields=["day", "region_code"], name="stats_unitlastday_day"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"


class UnitCount(models.Model):
    """Units per region and the attributes a campaign scope filters on (campaigns/scoping.py
    `FILTER_Q`, named as on `Unit` so that the same filter applies)."""

    region = models.CharField(max_length=12)
    sector = models.CharField(max_length=32)
    gas_use = models.CharField(max_length=20)
    risk_level = models.CharField(max_length=10)
    is_crowded_place = models.BooleanField()
    is_public_gathering = models.BooleanField()
    is_fire_key_unit = models.BooleanField()
    n = models.PositiveIntegerField(default=0)
    # Of those, units with lapsed duties and their lapsed duties (obligations.UnitDutyCount).
    lapsed_units = models.PositiveIntegerField(default=0, db_default=0)
    lapsed = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["region"], name="stats_unitcount_region")]

    def __str__(self) -> str:
        return f"{self.region} {self.sector}"


class DocumentDay(models.Model):
    """Enforcement documents by the day they were issued (campaign: their hazard's)."""

    region_code = models.CharField(max_length=12)
    day = models.DateField()
    campaign_id = models.BigIntegerField(null=True)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region_code", "day"], name="stats_doc_region_day"),
            models.Index(fields=["day", "region_code"], name="stats_doc_day_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day}"


# Roll-ups of the tables above for the dashboards' questions (rollups.py `ROLLUPS`,
# docs/campaigns.md "Roll-ups"). A row is keyed by `depth` (a region prefix length: 2, 4, 6, 9 …,
# the lengths of the loaded regions' prefixes) and `prefix` (the record's region code cut to that
# length: the region at that level it lies under, or its own shorter code); a day row
# (`month` false) or a month row (`month` true, `day` the first of the month, the sum of that
# month's day rows); `campaign_id` 0 for every record, else the record's campaign. So "the
# province's children over a year" reads a few rows per child and month.


class RollKey(models.Model):
    depth = models.PositiveSmallIntegerField()
    prefix = models.CharField(max_length=12)
    month = models.BooleanField()
    day = models.DateField()
    campaign_id = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.prefix} {self.day}"


def _roll_index(name: str) -> list:
    return [
        models.Index(
            fields=["depth", "campaign_id", "prefix", "month", "day"], name=f"stats_{name}_key"
        ),
        _refresh_index(name),
    ]


def _refresh_index(name: str):
    """What a refresh finds its rows by (rollups.rebuild_roll): a depth's day or month rows of
    some days under some prefixes, every campaign. The dashboards' index begins with the
    campaign, so without this one each of a refresh's DELETEs and roll-ups of the finer depth
    read the whole table (session 17)."""
    return models.Index(fields=["depth", "month", "day", "prefix"], name=f"stats_{name}_refresh")


class HazardRoll(RollKey):
    """`HazardDay` without sector, category and deadline day."""

    found = models.PositiveIntegerField(default=0)
    major = models.PositiveIntegerField(default=0)
    rectified = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    listed = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    order_waiting = models.PositiveIntegerField(default=0)
    verify_waiting = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = _roll_index("hazardroll")


class ClockRoll(RollKey):
    """The open hazards waiting for the regulator by found day, clock and the day of its time
    limit: "lapsed at now" is the waiting count (`HazardRoll`) less the rows due today or
    later, plus a live count for today."""

    clock = models.CharField(max_length=8)
    due_day = models.DateField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["depth", "campaign_id", "prefix", "due_day"], name="stats_clockroll_due"
            ),
            _refresh_index("clockroll"),
        ]


class OpenRoll(RollKey):
    """The open hazards by found day and deadline day (`NO_DEADLINE` for none yet): "overdue at
    now" is the open count less the rows due today or later, plus a live count for today."""

    due_day = models.DateField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["depth", "campaign_id", "prefix", "due_day"], name="stats_openroll_due"
            ),
            _refresh_index("openroll"),
        ]


class SectorRoll(RollKey):
    """Hazards found by sector (the dashboard's breakdown)."""

    sector_code = models.CharField(max_length=32)
    found = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = _roll_index("sectorroll")


class CategoryRoll(RollKey):
    """Hazards found by category (the dashboard's breakdown)."""

    category = models.CharField(max_length=32)
    found = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = _roll_index("categoryroll")


class RectifiedRoll(RollKey):
    """`RectifiedDay` by the day of rectification (the trend)."""

    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = _roll_index("rectifiedroll")


class InspectionRoll(RollKey):
    """`InspectionDay`, one column per mode."""

    routine = models.PositiveIntegerField(default=0)
    patrol = models.PositiveIntegerField(default=0)
    campaign = models.PositiveIntegerField(default=0)
    self_inspection = models.PositiveIntegerField(default=0)
    unannounced = models.PositiveIntegerField(default=0)
    leader_led = models.PositiveIntegerField(default=0)
    joint = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = _roll_index("inspectionroll")


class DocumentRoll(RollKey):
    """`DocumentDay`."""

    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = _roll_index("documentroll")


class UnitLastRoll(RollKey):
    """`UnitLastDay` (campaign_id always 0)."""

    is_self = models.BooleanField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = _roll_index("unitlastroll")


class UnitRoll(models.Model):
    """`UnitCount` without the attributes but the sector: units (and units with lapsed duties)
    per region prefix and sector (the periods without a campaign; a campaign's scope filters on
    the attributes, from `UnitCount`)."""

    depth = models.PositiveSmallIntegerField()
    prefix = models.CharField(max_length=12)
    sector = models.CharField(max_length=32, default="", db_default="")
    n = models.PositiveIntegerField(default=0)
    lapsed_units = models.PositiveIntegerField(default=0, db_default=0)
    lapsed = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["depth", "prefix"], name="stats_unitroll_key")]

    def __str__(self) -> str:
        return self.prefix


class StatsRefresh(models.Model):
    """The one row that records how far the aggregates have been refreshed (pk=1)."""

    refreshed_at = models.DateTimeField(null=True)
    full_at = models.DateTimeField(null=True)
    hazard_mark = models.BigIntegerField(default=0)  # highest hazard id seen
    event_mark = models.BigIntegerField(default=0)  # highest hazard event id seen
    inspection_mark = models.BigIntegerField(default=0)
    document_mark = models.BigIntegerField(default=0)
    units_mark = models.DateTimeField(null=True)  # latest unit change counted
    units_max_id = models.BigIntegerField(default=0)
    # The lapsed-duty counts counted (obligations.UnitDutyCount: rows, latest computed_at).
    duties_mark = models.CharField(max_length=64, blank=True, default="", db_default="")
    seconds = models.FloatField(default=0)  # how long the last refresh took
    buckets = models.PositiveIntegerField(default=0)  # (region, day) buckets it rebuilt
    # The roll-ups' depths ("2,4,6,9"), and the ids just below each mark that did not exist at
    # the last refresh (a writer that took one may still commit): {"hazard": [ids], …}.
    depths = models.CharField(max_length=40, blank=True, default="")
    gaps = models.JSONField(default=dict)
    # A new random token whenever a refresh changed any aggregate (the same while refreshes
    # find nothing new): what the statistics kept between refreshes are keyed by (kept.py).
    generation = models.CharField(max_length=32, blank=True, default="", db_default="")
    # The token before it, and the region codes whose buckets the refresh that made the new
    # token rebuilt, with the prefixes of the units' roll-up rows that moved (null: possibly
    # any region — a full refresh, or too many): what the sweep's answers ahead may carry
    # forward unchanged (ahead.py).
    previous = models.CharField(max_length=32, blank=True, default="", db_default="")
    touched = models.JSONField(null=True, blank=True, default=None)

    def __str__(self) -> str:
        return f"refreshed {self.refreshed_at}"


class AnsweredAhead(models.Model):
    """A dashboard question the sweep answered ahead after a refresh that changed the
    aggregates (ahead.py): the roll-up rows of a region's children for a common period, under
    the refresh token they were counted at (`generation`), so that the first request after the
    refresh, in any web process, reads one row instead of counting."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of the question, token included
    generation = models.CharField(max_length=32, db_index=True)
    value = models.JSONField()
    made_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
