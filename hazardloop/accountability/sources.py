"""The automatic sources of accountability proposals: one function per source, each finding
the rows that call for a case and passing them to `services.propose_case` (idempotent on the
source row). `jobs.propose_cases_once` runs them all; a new source is one more function in
SOURCES (the accidents app will add "a late step in an accident chain" and "an accident at a
unit that had an open hazard of the same category").
"""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Substr
from django.utils import timezone

from hazardloop.accountability.choices import SourceKind, SubjectKind
from hazardloop.accountability.models import Case
from hazardloop.accountability.services import propose_case
from hazardloop.campaigns.choices import CampaignStatus
from hazardloop.campaigns.models import Campaign
from hazardloop.campaigns.scoping import units_in_scope
from hazardloop.hazards.choices import SupervisionLevel
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.choices import Mode
from hazardloop.inspections.models import Inspection
from hazardloop.regions.models import Region
from hazardloop.supervision.models import EnforcementDocument

BATCH = 500


def _not_raised(qs, kind: str):
    return qs.exclude(Exists(Case.objects.filter(source_kind=kind, source_id=OuterRef("pk"))))


# --- a hazard at the top rung of the supervision ladder --------------------------------------


def hazards_at_top_rung(now) -> int:
    """A hazard the ladder moved to its last rung (listed, and still not rectified
    `accountability_after_days` after its deadline): a proposal about its unit."""
    raised = 0
    kind = SourceKind.HAZARD_TOP_RUNG
    while True:
        batch = list(
            _not_raised(
                Hazard.objects.filter(supervision_level=SupervisionLevel.ACCOUNTABILITY), kind
            )
            .select_related("unit", "unit__region")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return raised
        numbers: dict[int, list[str]] = {}
        for hazard_id, number in (
            EnforcementDocument.objects.filter(hazard__in=batch)
            .order_by("issued_at", "pk")
            .values_list("hazard_id", "number")
        ):
            numbers.setdefault(hazard_id, []).append(number)
        for hazard in batch:
            unit = hazard.unit
            due = timezone.localtime(hazard.due_at, LOCAL).date() if hazard.due_at else None
            fact = {
                "key": "hazard_top_rung",
                "title": hazard.title,
                "unit": unit.name,
                "grade": hazard.grade,
                "listed_level": hazard.listed_level,
                "due": due.isoformat() if due else "",
                "days_overdue": max(0, (now - hazard.due_at).days) if hazard.due_at else 0,
                "documents": numbers.get(hazard.pk, []),
            }
            case = propose_case(
                source_kind=kind,
                source_id=hazard.pk,
                region_code=unit.region_id,
                title=f"{unit.name}：{hazard.title}"[:200],
                subject_kind=SubjectKind.UNIT,
                subject_name=unit.name,
                unit=unit,
                facts=[fact],
                links=[
                    {"kind": "hazard", "id": hazard.pk, "label": hazard.title},
                    {"kind": "unit", "id": unit.pk, "label": unit.name},
                ],
                now=now,
            )
            raised += case is not None
        if len(batch) < BATCH:
            return raised


# --- a campaign target missed at its deadline -------------------------------------------------


def _period(campaign: Campaign) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=LOCAL)
    hi = dt.datetime.combine(campaign.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
    return lo, hi


def campaign_coverage(campaign: Campaign) -> dict:
    """Units in the campaign's scope and how many had an inspection (not a self-inspection)
    received within its period, in total and per child region of its level."""
    lo, hi = _period(campaign)
    units = units_in_scope(campaign)
    inspected_units = units.filter(
        Exists(
            Inspection.objects.filter(
                unit_id=OuterRef("pk"), received_at__gte=lo, received_at__lt=hi
            ).exclude(mode=Mode.SELF_INSPECTION)
        )
    )
    total, done = units.count(), inspected_units.count()
    children = {
        c.prefix: c.name_zh
        for c in Region.objects.filter(parent_id=campaign.region_id).order_by("code")
    }
    length = max((len(p) for p in children), default=0)
    rows = []
    if length and total:

        def by_child(qs) -> dict:
            return dict(
                qs.annotate(k=Substr("region_id", 1, length))
                .values("k")
                .order_by("k")
                .annotate(n=Count("pk"))
                .values_list("k", "n")
            )

        all_units, inspected = by_child(units), by_child(inspected_units)
        for key, n in sorted(all_units.items()):
            if key in children:
                got = inspected.get(key, 0)
                rows.append(
                    {
                        "code": key,
                        "name": children[key],
                        "units": n,
                        "inspected": got,
                        "coverage_pct": round(got * 100 / n, 1),
                    }
                )
    return {
        "units_in_scope": total,
        "units_inspected": done,
        "coverage_pct": round(done * 100 / total, 1) if total else None,
        "regions": rows,
    }


def campaigns_missing_target(now) -> int:
    """A campaign (or a lower level's adoption of it) whose period ended with fewer units
    inspected than its coverage target: a proposal about the government of its level. Checked
    for campaigns that ended within ACCOUNTABILITY_CAMPAIGN_LOOKBACK_DAYS (inspections are
    counted by the day the server received them, so the figure no longer changes)."""
    today = timezone.localtime(now, LOCAL).date()
    lookback = getattr(settings, "ACCOUNTABILITY_CAMPAIGN_LOOKBACK_DAYS", 30)
    kind = SourceKind.CAMPAIGN_TARGET
    candidates = _not_raised(
        Campaign.objects.filter(
            status__in=(CampaignStatus.ACTIVE, CampaignStatus.CLOSED),
            ends_on__lt=today,
            ends_on__gte=today - dt.timedelta(days=lookback),
            target_coverage_pct__gt=0,
        ),
        kind,
    ).select_related("region", "department")
    raised = 0
    for campaign in candidates.order_by("pk"):
        figures = campaign_coverage(campaign)
        if not figures["units_in_scope"]:
            continue
        if figures["coverage_pct"] >= campaign.target_coverage_pct:
            continue
        below = [
            {"code": r["code"], "name": r["name"], "coverage_pct": r["coverage_pct"]}
            for r in figures["regions"]
            if r["coverage_pct"] is not None and r["coverage_pct"] < campaign.target_coverage_pct
        ]
        fact = {
            "key": "campaign_target",
            "title": campaign.title,
            "ends_on": campaign.ends_on.isoformat(),
            "units_in_scope": figures["units_in_scope"],
            "units_inspected": figures["units_inspected"],
            "coverage_pct": figures["coverage_pct"],
            "target_pct": campaign.target_coverage_pct,
            "regions_below": below,
        }
        region = campaign.region
        case = propose_case(
            source_kind=kind,
            source_id=campaign.pk,
            region_code=region.code,
            title=f"{region.name_zh}：{campaign.title}"[:200],
            subject_kind=SubjectKind.REGION,
            subject_name=f"{region.name_zh}人民政府",
            subject_region_code=region.code,
            facts=[fact],
            links=[{"kind": "campaign", "id": campaign.pk, "label": campaign.title}],
            now=now,
        )
        raised += case is not None
    return raised


# Every automatic source, run in this order by the sweep.
SOURCES = [hazards_at_top_rung, campaigns_missing_target]
