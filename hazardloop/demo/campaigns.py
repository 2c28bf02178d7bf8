"""The demo campaign, modelled on the source document: the province's "National Day
fire-safety special rectification" (restaurants with bottled LPG first), taken up by every
city and, in Changchun, by two districts; task lists and a double-random draw where the level
has moved, nothing yet where it has not — so progress is uneven across cities (a unit has one
open task of the campaign, at the lowest level that took it up); then the
inspectors work through part of each task list (campaign inspections submitted through the
inspection service, carrying the campaign, with the campaign's checklist), and the sweep step
marks the tasks done. Idempotent."""

import contextlib
import datetime as dt
import random
import uuid

from django.db.models import Case, When
from django.utils import timezone

from hazardloop.accounts.models import User
from hazardloop.campaigns import drawing, services
from hazardloop.campaigns.completion import complete_tasks_once
from hazardloop.campaigns.models import Campaign, InspectionTask
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.demo.inspections import _answer, _jpeg, _png
from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.services import store_photo
from hazardloop.inspections.models import Inspection
from hazardloop.inspections.services import submit_inspection
from hazardloop.regions.models import Region
from hazardloop.reports.models import ReportSubscription

KEY = "demo-national-day-fire-safety"
# Cities that have generated their task lists (the others have only adopted, or not even that).
ACTIVE_CITIES = ["220100", "220200", "222400"]
ADOPTING_CITIES = ["220100", "220200", "220300", "222400", "220700"]
CHECKLISTS = ["restaurant-gas", "fire-life-channels"]
# Share of each level's task list inspected so far, and who went: uneven on purpose.
WORKED = {
    "220102": (0.8, "inspector@220102"),
    "220100": (0.55, "regulator@220100"),
    "220200": (0.3, "regulator@220000"),
    "222400": (0.12, "regulator@220000"),
}
NAMESPACE = uuid.UUID("0d6a3f0e-55a1-4d0b-8c8f-6b7a0c2f9e21")
FAIL_RATE = 0.15


def load_campaigns() -> int:
    existing = Campaign.objects.filter(idempotency_key=KEY).first()
    if existing is not None:
        return load_campaign_inspections(existing)
    province_user = User.objects.get(username="regulator@220000")
    city_user = User.objects.get(username="regulator@220100")
    county_user = User.objects.get(username="regulator@220102")
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=province_user,
        region=Region.objects.get(code="220000"),
        title="国庆节前消防安全专项整治",
        document_number=f"吉安委办〔{today.year}〕58号",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=20),
        sectors=["catering", "lodging"],
        unit_filters=["bottled_lpg", "alcohol_fuel", "crowded_place"],
        focus_items=[
            "瓶装液化石油气：钢瓶检验、连接软管、报警和切断装置",
            "消防生命通道：安全出口、疏散通道、门窗铁栅栏和广告牌",
            "员工“一懂三会”：报警、扑救初起火灾、组织疏散逃生",
        ],
        target_coverage_pct=100,
        checklists=CHECKLISTS,
        idempotency_key=KEY,
    )
    count = 1
    for code in ADOPTING_CITIES:
        city = services.adopt_campaign(
            campaign,
            actor=province_user if code != "220100" else city_user,
            region=Region.objects.get(code=code),
        )
        count += 1
        if code in ACTIVE_CITIES:
            services.generate_tasks(city, actor=province_user, due_on=campaign.ends_on)
    changchun = Campaign.objects.get(parent=campaign, region_code="220100")
    nanguan = services.adopt_campaign(
        changchun,
        actor=county_user,
        region=Region.objects.get(code="220102"),
        unit_filters=["bottled_lpg"],
        focus_items=["南关区：地下室、半地下室禁用瓶装液化气"],
    )
    services.generate_tasks(nanguan, actor=county_user, due_on=today + dt.timedelta(days=7))
    services.invite_self_inspection(nanguan, actor=county_user, due_on=today + dt.timedelta(days=5))
    # Double-random draws: each inspector only for units in their district (Nanguan's and
    # Kuancheng's fire inspectors), so at the city level the districts without a demo inspector
    # are listed on the draw page as not drawable. Too few units or inspectors: no draw.
    for level, user, seed, count in (
        (nanguan, county_user, "20220928", 2),
        (changchun, city_user, "20220929", 4),
    ):
        with contextlib.suppress(services.CampaignInputError):
            drawing.draw_units(
                level,
                actor=user,
                unit_count=count,
                inspectors_per_unit=1,
                exclude_same_township=True,
                seed=seed,
            )
    sub, _created = ReportSubscription.objects.get_or_create(
        region=Region.objects.get(code="220000"), region_code="220000", campaign=campaign
    )
    sub.recipients.add(province_user)
    return count + 1 + load_campaign_inspections(campaign)


def load_campaign_inspections(campaign: Campaign, rng: random.Random | None = None) -> int:
    """Inspect a share of each working level's open tasks (WORKED) through the inspection
    service, for that level's campaign, spread over the campaign's days so far; then run the
    completion step. Keyed by deterministic client ids: a second run adds nothing."""
    rng = rng or random.Random(20221001)
    load_builtin_templates()
    versions = {
        t.code: t.versions.prefetch_related("items").get(is_current=True)
        for t in ChecklistTemplate.objects.filter(region_code="", code__in=CHECKLISTS)
    }
    if campaign.checklists != CHECKLISTS:  # loaded before the campaign named its checklists
        Campaign.objects.filter(pk=campaign.pk).update(checklists=CHECKLISTS)
    tree = Campaign.objects.filter(root_id_value=campaign.pk).select_related("region")
    now = timezone.now()
    start = timezone.make_aware(dt.datetime.combine(campaign.starts_on, dt.time(8)))
    users = {
        u.username: u for u in User.objects.filter(username__in=[w[1] for w in WORKED.values()])
    }
    created, stamps = 0, {}
    for level in tree.order_by("region_code"):
        share, username = WORKED.get(level.region_code, (0, None))
        user = users.get(username)
        if not share or user is None:
            continue
        # Drawn units wait for the inspectors the draw named (their "my tasks" list).
        tasks = list(
            InspectionTask.objects.filter(campaign=level, draw__isnull=True)
            .select_related("unit")
            .order_by("pk")
        )
        for task in tasks[: int(len(tasks) * share)]:
            unit = task.unit
            version = versions.get("restaurant-gas" if unit.gas_use == "bottled_lpg" else "")
            version = version or versions["fire-life-channels"]
            items = list(version.items.all())
            failing = set()
            if rng.random() < FAIL_RATE:
                pickable = [i for i in items if i.answer_type in ("pass_fail", "number")]
                failing = {i.code for i in rng.sample(pickable, k=min(1, len(pickable)))}
            key = f"{level.pk}-{unit.pk}"

            def photo(unit=unit, user=user, key=key):
                seed = int(uuid.uuid5(NAMESPACE, key).int % 10_000)
                return store_photo(
                    _jpeg(seed), actor=user, region_code=unit.region_id, unit_id=unit.pk
                )

            when = start + (now - start) * rng.uniform(0.02, 0.98)
            local = timezone.localtime(when)
            signature = store_photo(
                _png(user.username, (20, 20, 120)), actor=user, region_code=unit.region_id,
                unit_id=unit.pk, kind=PhotoKind.SIGNATURE,
            )  # fmt: skip
            name = user.get_full_name() or user.username
            payload = {
                "client_id": str(uuid.uuid5(NAMESPACE, key)),
                "mode": "campaign",
                "campaign_id": level.pk,
                "started_at": (local - dt.timedelta(minutes=rng.randint(15, 50))).isoformat(),
                "device_time": local.isoformat(),
                "team": [{"name": name, "role": "cadre", "user_id": user.pk}],
                "answers": [_answer(i, i.code in failing, rng, photo) for i in items],
                "signatures": [
                    {"role": "inspector", "name": name, "photo_id": signature.pk},
                    {"role": "unit", "name": unit.principal_name or "负责人", "refused": True,
                     "witness_name": "社区网格员"},
                ],
            }  # fmt: skip
            if Inspection.objects.filter(client_id=payload["client_id"]).exists():
                continue
            inspection, was_created = submit_inspection(
                payload, actor=user, unit=unit, version=version
            )
            if was_created:
                created += 1
                stamps[inspection.pk] = when + dt.timedelta(minutes=rng.randint(1, 20))
    # The server cannot receive in the past: as in demo.inspections, move each receipt to just
    # after its device time (the only write that bypasses the service), before the sweep step.
    pks = list(stamps)
    for first in range(0, len(pks), 500):
        chunk = pks[first : first + 500]
        Inspection.objects.filter(pk__in=chunk).update(
            received_at=Case(*[When(pk=pk, then=stamps[pk]) for pk in chunk])
        )
    if created:
        # Tasks were set when the demo loaded: count receipts from the campaign's start.
        InspectionTask.objects.filter(campaign__in=tree, created_at__gt=start).update(
            created_at=start
        )
        complete_tasks_once(now)
    return created
