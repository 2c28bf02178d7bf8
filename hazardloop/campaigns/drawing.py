"""Double-random draws (双随机) as a service: draw, assign the drawn units' tasks, tell the
drawn inspectors, re-produce and publish. The pure draw is `draw.py`, the pools `pools.py`.

Every write here runs in one transaction under the campaign's lock (`services.lock_campaign`),
with a `CampaignEvent` and an audit event, like the other campaign services.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazardloop.accounts.models import User
from hazardloop.audit.services import record_event
from hazardloop.campaigns import draw as draws
from hazardloop.campaigns import pools
from hazardloop.campaigns.choices import CampaignStatus, EventKind, TaskSource, TaskStatus
from hazardloop.campaigns.models import Campaign, InspectionTask, RandomDraw
from hazardloop.campaigns.services import (
    CampaignInputError,
    add_event,
    lock_campaign,
    upper_levels,
)
from hazardloop.notifications.services import notify
from hazardloop.units.models import Unit

# How many unit names a drawn inspector's notification lists (the link shows them all).
NOTIFY_UNITS = 5


@transaction.atomic
def draw_units(
    campaign: Campaign,
    *,
    actor,
    unit_count: int,
    inspectors_per_unit: int = 2,
    exclude_same_township: bool = True,
    seed: str | None = None,
    due_on: dt.date | None = None,
) -> RandomDraw:
    """Draw units in scope and, for each, inspectors whose scope covers it (pools.py), record
    the pools and the seed, assign the drawn units' tasks and notify each drawn inspector once.

    Units already drawn for the campaign are not drawn again. A drawn unit's open task of the
    campaign (from a task list, at any level) becomes the drawn task — it moves to this level,
    gets the drawn inspectors and the earlier due date; a unit without one gets a new task. So a
    unit never has two open tasks of one campaign. Too few units drawable: CampaignInputError,
    nothing written."""
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignInputError(_("Draws are made for a campaign under way."))
    if unit_count < 1 or inspectors_per_unit < 1:
        raise CampaignInputError(_("Draw at least one unit and one inspector per unit."))
    seed = (seed or "").strip() or draws.new_seed()
    root = lock_campaign(campaign)
    unit_pool = pools.unit_pool(campaign)
    people = pools.inspector_pool(campaign)
    try:
        result = draws.run_draw(
            unit_pool,
            people,
            seed=seed,
            unit_count=unit_count,
            inspectors_per_unit=inspectors_per_unit,
            exclude_same_township=exclude_same_township,
        )
    except draws.DrawError as exc:
        raise CampaignInputError(
            _(
                "Only %(drawable)s of the %(total)s units in the pool can each be given "
                "%(per)s inspectors whose scope covers them (outside their own township if so "
                "chosen, and not tied to the unit); %(wanted)s were asked for. Draw fewer "
                "units, or add inspectors who cover the others."
            )
            % {
                "drawable": exc.drawable,
                "total": exc.total,
                "per": inspectors_per_unit,
                "wanted": exc.wanted,
            }
        ) from exc
    draw = RandomDraw.objects.create(
        campaign=campaign,
        region_code=campaign.region_code,
        seed=seed,
        unit_count=unit_count,
        inspectors_per_unit=inspectors_per_unit,
        exclude_same_township=exclude_same_township,
        unit_pool=unit_pool,
        inspector_pool=people,
        result=result,
        drawn_at=timezone.now(),
        drawn_by=actor,
    )
    tasks = _assign_drawn_tasks(campaign, root, draw, due_on or campaign.ends_on)
    _notify_drawn(draw, tasks)
    add_event(campaign, EventKind.DRAW, actor, note=f"draw #{draw.pk}, seed {seed}")
    record_event(
        "campaign.draw",
        actor=actor,
        obj=draw,
        region_code=campaign.region_code,
        after={"seed": seed, "units": unit_count},
    )
    return draw


def _assign_drawn_tasks(
    campaign: Campaign, root: int, draw: RandomDraw, due: dt.date
) -> list[InspectionTask]:
    """One open task per drawn unit, carrying the draw and its inspectors (see draw_units)."""
    codes = {row[0]: row[1] for row in draw.unit_pool}
    drawn = {row["unit"]: row["inspectors"] for row in draw.result}
    upper = set(upper_levels(campaign))
    here = set(
        InspectionTask.objects.filter(campaign=campaign, unit_id__in=drawn).values_list(
            "unit_id", flat=True
        )
    )
    existing = list(
        InspectionTask.objects.filter(root_id=root, status=TaskStatus.OPEN, unit_id__in=drawn)
    )
    for task in existing:
        task.draw = draw
        task.due_on = min(task.due_on, due)
        if task.campaign_id in upper and task.unit_id not in here:
            task.campaign = campaign
    InspectionTask.objects.bulk_update(existing, ["draw", "due_on", "campaign"], batch_size=500)
    have = {t.unit_id for t in existing}
    created = InspectionTask.objects.bulk_create(
        [
            InspectionTask(
                campaign=campaign,
                root_id=root,
                unit_id=unit_id,
                region_code=codes[unit_id],
                source=TaskSource.DRAW,
                due_on=due,
                draw=draw,
            )
            for unit_id in sorted(drawn)
            if unit_id not in have
        ],
        batch_size=500,
    )
    tasks = existing + created
    through = InspectionTask.inspectors.through
    through.objects.filter(inspectiontask_id__in=[t.pk for t in existing]).delete()
    through.objects.bulk_create(
        [through(inspectiontask_id=t.pk, user_id=u) for t in tasks for u in drawn[t.unit_id]],
        batch_size=2000,
    )
    return tasks


def _notify_drawn(draw: RandomDraw, tasks: list[InspectionTask]) -> None:
    """Each drawn inspector once (key campaign.draw.<id>): their units, the earliest due date
    and a link to their task list filtered to this draw."""
    due = {t.unit_id: t.due_on for t in tasks}
    names = dict(Unit.objects.filter(pk__in=list(due)).values_list("pk", "name"))
    mine: dict[int, list[int]] = defaultdict(list)
    for row in draw.result:
        for user_id in row["inspectors"]:
            mine[user_id].append(row["unit"])
    people = User.objects.in_bulk(list(mine))
    link = f"{reverse('campaigns:my_tasks')}?draw={draw.pk}"
    for user_id in sorted(mine):
        if user_id not in people:
            continue
        units = sorted(mine[user_id], key=lambda u: (names.get(u, ""), u))
        listed = [names.get(u, "") for u in units[:NOTIFY_UNITS]]
        if len(units) > NOTIFY_UNITS:
            listed.append("…")
        notify(
            [people[user_id]],
            key=f"campaign.draw.{draw.pk}",
            message=gettext_noop(
                "Double-random draw for “%(title)s”: you are to inspect %(count)s unit(s) by "
                "%(due)s — %(units)s."
            ),
            params={
                "title": draw.campaign.title,
                "count": len(units),
                "due": min(due[u] for u in units).isoformat(),
                "units": "; ".join(listed),
            },
            link=link,
            obj=draw,
        )


def undrawable_units(draw: RandomDraw) -> dict[int, int]:
    """Unit id → eligible inspectors, for the units of the draw's pool that could not be drawn
    (fewer eligible inspectors than it asked for per unit)."""
    return draws.undrawable(
        draw.unit_pool,
        draw.inspector_pool,
        inspectors_per_unit=draw.inspectors_per_unit,
        exclude_same_township=draw.exclude_same_township,
    )


def reproduce_draw(draw: RandomDraw) -> list[dict]:
    """Run the draw again from its recorded pools and seed (the same result, or a tampered row)."""
    return draws.run_draw(
        draw.unit_pool,
        draw.inspector_pool,
        seed=draw.seed,
        unit_count=draw.unit_count,
        inspectors_per_unit=draw.inspectors_per_unit,
        exclude_same_township=draw.exclude_same_township,
    )


@transaction.atomic
def publish_draw(draw: RandomDraw, *, actor) -> RandomDraw:
    """Make the draw public (一公开). Publishing twice keeps the first time."""
    if draw.published_at is None:
        RandomDraw.objects.filter(pk=draw.pk, published_at__isnull=True).update(
            published_at=timezone.now()
        )
        draw.refresh_from_db(fields=["published_at"])
        add_event(draw.campaign, EventKind.DRAW_PUBLISHED, actor, note=f"draw #{draw.pk}")
        record_event("campaign.draw_publish", actor=actor, obj=draw, region_code=draw.region_code)
    return draw
