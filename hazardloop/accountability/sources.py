"""The automatic sources of accountability proposals: one function per source, each finding
the rows that call for a case and passing them to `services.propose_case` (idempotent on the
source row). `jobs.propose_cases_once` runs them all; a new source is one more function in
SOURCES.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Substr
from django.utils import timezone

from hazardloop.accidents.history import open_at
from hazardloop.accidents.models import Accident, ChainStep
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


# --- accidents ---------------------------------------------------------------------------------


def _local(moment) -> str:
    return timezone.localtime(moment, LOCAL).strftime("%Y-%m-%d %H:%M") if moment else ""


def accident_steps_late(now) -> int:
    """A step of an accident's reporting chain sent after its deadline, or flagged late unsent:
    a proposal about whoever had to send it — the unit (the first step) or the level below."""
    kind = SourceKind.ACCIDENT_LATE
    raised = 0
    steps = _not_raised(ChainStep.objects.filter(late=True), kind).select_related(
        "accident", "accident__unit"
    )
    for step in steps.order_by("pk")[:BATCH]:
        accident = step.accident
        below = (
            ChainStep.objects.filter(accident=accident, seq=step.seq - 1).first()
            if step.seq > 1
            else None
        )
        fact = {
            "key": "accident_late",
            "summary": accident.summary,
            "occurred": _local(accident.occurred_at),
            "level": step.level,
            "due": _local(step.due_at),
            "sent": _local(step.sent_at),
        }
        links = [{"kind": "accident", "id": accident.pk, "label": accident.summary}]
        if below is None and accident.unit is not None:
            unit = accident.unit
            subject = {
                "subject_kind": SubjectKind.UNIT,
                "subject_name": unit.name,
                "unit": unit,
                "region_code": unit.region_id,
            }
            links.append({"kind": "unit", "id": unit.pk, "label": unit.name})
        else:
            region_code = below.region_code if below is not None else accident.region_code
            region = Region.objects.filter(code=region_code).first()
            name = region.name_zh if region else region_code
            subject = {
                "subject_kind": SubjectKind.REGION,
                "subject_name": name,
                "subject_region_code": region_code,
                "region_code": region_code,
            }
        case = propose_case(
            source_kind=kind,
            source_id=step.pk,
            title=f"{subject['subject_name']}：{accident.summary}"[:200],
            facts=[fact],
            links=links,
            now=now,
            **subject,
        )
        raised += case is not None
    return raised


def accidents_with_open_hazards(now) -> int:
    """An accident at a unit that had a hazard of the same kind (settings
    ACCOUNTABILITY_ACCIDENT_CATEGORIES) still open when it happened: a proposal about the unit."""
    kind = SourceKind.ACCIDENT_OPEN_HAZARD
    same = getattr(settings, "ACCOUNTABILITY_ACCIDENT_CATEGORIES", {}) or {}
    raised = 0
    accidents = _not_raised(
        Accident.objects.filter(unit__isnull=False, accident_type__in=list(same)), kind
    ).select_related("unit")
    for accident in accidents.order_by("pk")[:BATCH]:
        open_then = list(
            Hazard.objects.filter(
                open_at(accident.occurred_at),
                unit_id=accident.unit_id,
                category__in=same[accident.accident_type],
            ).order_by("found_at")[:20]
        )
        if not open_then:
            continue
        unit = accident.unit
        fact = {
            "key": "accident_open_hazard",
            "summary": accident.summary,
            "occurred": _local(accident.occurred_at),
            "unit": unit.name,
            "hazards": [h.title for h in open_then],
        }
        links = [{"kind": "accident", "id": accident.pk, "label": accident.summary}]
        links += [{"kind": "hazard", "id": h.pk, "label": h.title} for h in open_then]
        links.append({"kind": "unit", "id": unit.pk, "label": unit.name})
        case = propose_case(
            source_kind=kind,
            source_id=accident.pk,
            region_code=unit.region_id,
            title=f"{unit.name}：{accident.summary}"[:200],
            subject_kind=SubjectKind.UNIT,
            subject_name=unit.name,
            unit=unit,
            facts=[fact],
            links=links,
            now=now,
        )
        raised += case is not None
    return raised


# Every automatic source, run in this order by the sweep.
SOURCES = [
    hazards_at_top_rung,
    campaigns_missing_target,
    accident_steps_late,
    accidents_with_open_hazards,
]
