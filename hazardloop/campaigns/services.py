"""Campaign services: every write is one of these, in one transaction, with an audit event.

Bad input raises `CampaignInputError` with a translated message; nothing is written then.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.audit.services import record_event
from hazardloop.campaigns import draw as draws
from hazardloop.campaigns import workflow
from hazardloop.campaigns.choices import (
    CampaignStatus,
    EventKind,
    TaskSource,
    TaskStatus,
    UnitFilter,
)
from hazardloop.campaigns.completion import complete_one
from hazardloop.campaigns.models import (
    Campaign,
    CampaignEvent,
    InspectionTask,
    RandomDraw,
    SelfInspectionInvite,
    TaskForce,
    TaskForceMember,
    region_prefix,
)
from hazardloop.campaigns.scoping import effective_scope, units_in_scope
from hazardloop.notifications.services import notify
from hazardloop.regions.models import Region, Sector, subtree_filter


class CampaignInputError(ValueError):
    """Bad input: the message is translated and shown to the user; nothing was changed."""


def _event(campaign, kind, actor, note=""):
    CampaignEvent.objects.create(
        campaign=campaign, kind=kind, actor=actor, at=timezone.now(), note=note[:300]
    )


def _clean_scope(region: Region, scope_regions, sectors, unit_filters, starts_on, ends_on):
    if ends_on < starts_on:
        raise CampaignInputError(_("The campaign cannot end before it starts."))
    codes = [str(c).strip() for c in scope_regions or [] if str(c).strip()]
    known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known or not code.startswith(region.prefix):
            raise CampaignInputError(
                _("Region %(code)s is not inside %(region)s.") % {"code": code, "region": region}
            )
    sectors = sorted({str(s) for s in sectors or []})
    valid = set(Sector.objects.filter(code__in=sectors).values_list("code", flat=True))
    if set(sectors) - valid:
        raise CampaignInputError(
            _("Unknown sector: %(codes)s.") % {"codes": ", ".join(sorted(set(sectors) - valid))}
        )
    filters = sorted({str(f) for f in unit_filters or []})
    wrong = set(filters) - set(UnitFilter.values)
    if wrong:
        raise CampaignInputError(
            _("Unknown unit filter: %(names)s.") % {"names": ", ".join(sorted(wrong))}
        )
    return codes, sectors, filters


@transaction.atomic
def create_campaign(
    *,
    actor,
    region: Region,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    department=None,
    document_number: str = "",
    scope_regions=(),
    sectors=(),
    unit_filters=(),
    checklists=(),
    focus_items=(),
    target_coverage_pct: int = 100,
    target_major_recheck_pct: int = 100,
    target_training_pct: int = 0,
    launch: bool = True,
    idempotency_key: str | None = None,
) -> Campaign:
    """Create a campaign of `region`'s level (launched unless `launch=False`).

    The same `idempotency_key` twice returns the first campaign unchanged.
    """
    if idempotency_key:
        existing = Campaign.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    title = (title or "").strip()
    if not title:
        raise CampaignInputError(_("A campaign needs a title."))
    for pct in (target_coverage_pct, target_major_recheck_pct, target_training_pct):
        if not 0 <= int(pct) <= 100:
            raise CampaignInputError(_("Targets are percentages between 0 and 100."))
    codes, sectors, filters = _clean_scope(
        region, scope_regions, sectors, unit_filters, starts_on, ends_on
    )
    campaign = Campaign.objects.create(
        region=region,
        region_code=region.code,
        department=department,
        title=title[:200],
        document_number=(document_number or "").strip()[:80],
        starts_on=starts_on,
        ends_on=ends_on,
        scope_regions=codes,
        sectors=sectors,
        unit_filters=filters,
        checklists=[str(c).strip() for c in checklists if str(c).strip()],
        focus_items=[str(i).strip() for i in focus_items if str(i).strip()],
        target_coverage_pct=target_coverage_pct,
        target_major_recheck_pct=target_major_recheck_pct,
        target_training_pct=target_training_pct,
        created_by=actor,
        idempotency_key=idempotency_key or None,
    )
    _event(campaign, EventKind.CREATED, actor)
    record_event("campaign.create", actor=actor, obj=campaign, after={"title": campaign.title})
    if launch:
        workflow.transition(campaign, "launch", actor=actor)
    return campaign


@transaction.atomic
def adopt_campaign(
    parent: Campaign,
    *,
    actor,
    region: Region,
    department=None,
    document_number: str = "",
    scope_regions=(),
    sectors=(),
    unit_filters=(),
    checklists=(),
    focus_items=(),
    target_coverage_pct: int | None = None,
) -> Campaign:
    """A lower level takes up `parent` for `region` (one of the parent's child regions, inside
    its scope), narrowing the scope and adding items. Adopting twice returns the first."""
    existing = Campaign.objects.filter(parent=parent, region=region).first()
    if existing is not None:
        return existing
    if parent.status == CampaignStatus.CLOSED:
        raise CampaignInputError(_("A closed campaign cannot be adopted."))
    if region.parent_id != parent.region_code:
        raise CampaignInputError(
            _("%(region)s is not directly below %(parent)s.")
            % {"region": region, "parent": parent.region}
        )
    upper = effective_scope(parent)
    if not any(
        region.code.startswith(p) or p.startswith(region.prefix) for p in upper.narrowest_prefixes
    ):
        raise CampaignInputError(
            _("%(region)s is outside the campaign's scope.") % {"region": region}
        )
    allowed = upper.sectors
    if allowed and set(sectors) - set(allowed):
        raise CampaignInputError(_("A lower level may only narrow the campaign's sectors."))
    codes, sectors, filters = _clean_scope(
        region, scope_regions, sectors, unit_filters, parent.starts_on, parent.ends_on
    )
    title = parent.title
    campaign = Campaign.objects.create(
        parent=parent,
        root_id_value=parent.root_id,
        region=region,
        region_code=region.code,
        department=department,
        title=title,
        document_number=(document_number or "").strip()[:80],
        starts_on=parent.starts_on,
        ends_on=parent.ends_on,
        scope_regions=codes,
        sectors=sectors,
        unit_filters=filters,
        checklists=[str(c).strip() for c in checklists if str(c).strip()],
        focus_items=[str(i).strip() for i in focus_items if str(i).strip()],
        target_coverage_pct=(
            parent.target_coverage_pct if target_coverage_pct is None else target_coverage_pct
        ),
        target_major_recheck_pct=parent.target_major_recheck_pct,
        target_training_pct=parent.target_training_pct,
        status=CampaignStatus.DRAFT,
        created_by=actor,
    )
    _event(parent, EventKind.ADOPTED, actor, note=region.code)
    _event(campaign, EventKind.CREATED, actor, note=f"adopted from #{parent.pk}")
    record_event("campaign.adopt", actor=actor, obj=campaign, after={"parent": parent.pk})
    if parent.status == CampaignStatus.ACTIVE:
        workflow.transition(campaign, "launch", actor=actor)
    return campaign


def close_campaign(campaign: Campaign, *, actor) -> Campaign:
    with transaction.atomic():
        return workflow.transition(campaign, "close", actor=actor)


@transaction.atomic
def create_task_force(campaign: Campaign, *, actor, name: str, members) -> TaskForce:
    """A task force of the campaign with its members: [(user, role), ...]. Cadre + expert
    teams list both roles. Each member's home region is their department membership's."""
    name = (name or "").strip()
    if not name:
        raise CampaignInputError(_("A task force needs a name."))
    if not members:
        raise CampaignInputError(_("A task force needs at least one member."))
    force, _created = TaskForce.objects.get_or_create(
        campaign=campaign, name=name[:100], defaults={"region_code": campaign.region_code}
    )
    homes = dict(
        Membership.objects.filter(
            user__in=[u for u, _r in members], is_active=True, unit__isnull=True
        ).values_list("user_id", "region_id")
    )
    for user, role in members:
        TaskForceMember.objects.get_or_create(
            task_force=force,
            user=user,
            defaults={"role": role, "home_region_code": homes.get(user.pk, campaign.region_code)},
        )
    record_event(
        "campaign.task_force",
        actor=actor,
        obj=force,
        region_code=campaign.region_code,
        after={"members": [[u.pk, r] for u, r in members]},
    )
    return force


@transaction.atomic
def generate_tasks(
    campaign: Campaign, *, actor, due_on: dt.date, task_force: TaskForce | None = None
) -> int:
    """The campaign's task list: one inspection task per unit in scope (within the campaign's
    own region), due on `due_on`. Running it again adds only the units added since."""
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignInputError(_("Tasks are generated for a campaign under way."))
    if not campaign.starts_on <= due_on <= campaign.ends_on:
        raise CampaignInputError(_("The due date must lie within the campaign's period."))
    units = units_in_scope(campaign, region_prefix(campaign.region_code)).values_list(
        "pk", "region_id"
    )
    rows = [
        InspectionTask(
            campaign=campaign,
            unit_id=pk,
            region_code=code,
            source=TaskSource.LIST,
            due_on=due_on,
            task_force=task_force,
        )
        for pk, code in units.iterator(chunk_size=2000)
    ]
    before = InspectionTask.objects.filter(campaign=campaign, source=TaskSource.LIST).count()
    InspectionTask.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    added = (
        InspectionTask.objects.filter(campaign=campaign, source=TaskSource.LIST).count() - before
    )
    _event(campaign, EventKind.TASKS, actor, note=f"{added} tasks due {due_on}")
    record_event("campaign.tasks", actor=actor, obj=campaign, after={"added": added})
    return added


def inspector_pool(campaign: Campaign) -> list[list]:
    """[user id, home region] of the campaign's task-force members, or else of the inspectors
    and experts whose department lies in the campaign's region."""
    members = list(
        TaskForceMember.objects.filter(task_force__campaign=campaign)
        .values_list("user_id", "home_region_code")
        .distinct()
    )
    if members:
        return sorted([list(m) for m in members])
    rows = (
        Membership.objects.filter(
            is_active=True,
            unit__isnull=True,
            role__in=[Role.INSPECTOR, Role.EXPERT],
        )
        .filter(subtree_filter("region", region_prefix(campaign.region_code)))
        .values_list("user_id", "region_id")
    )
    return sorted({(u, r) for u, r in rows})


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
    """Draw units in scope and inspectors for each, record the pools and the seed, and create
    the drawn inspection tasks."""
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignInputError(_("Draws are made for a campaign under way."))
    if unit_count < 1 or inspectors_per_unit < 1:
        raise CampaignInputError(_("Draw at least one unit and one inspector per unit."))
    seed = (seed or "").strip() or draws.new_seed()
    unit_pool = sorted(
        [pk, code]
        for pk, code in units_in_scope(campaign, region_prefix(campaign.region_code)).values_list(
            "pk", "region_id"
        )
    )
    people = inspector_pool(campaign)
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
            _("The draw cannot be made: %(reason)s. Draw fewer units or add inspectors.")
            % {"reason": exc}
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
    codes = dict(unit_pool)
    due = due_on or campaign.ends_on
    for row in result:
        task, _created = InspectionTask.objects.get_or_create(
            campaign=campaign,
            unit_id=row["unit"],
            source=TaskSource.DRAW,
            defaults={"region_code": codes[row["unit"]], "due_on": due, "draw": draw},
        )
        task.inspectors.set(row["inspectors"])
    _event(campaign, EventKind.DRAW, actor, note=f"draw #{draw.pk}, seed {seed}")
    record_event(
        "campaign.draw",
        actor=actor,
        obj=draw,
        region_code=campaign.region_code,
        after={"seed": seed, "units": unit_count},
    )
    return draw


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
        _event(draw.campaign, EventKind.DRAW_PUBLISHED, actor, note=f"draw #{draw.pk}")
        record_event("campaign.draw_publish", actor=actor, obj=draw, region_code=draw.region_code)
    return draw


@transaction.atomic
def invite_self_inspection(campaign: Campaign, *, actor, due_on: dt.date) -> int:
    """Ask every unit in scope (in the campaign's own region) to self-inspect with the campaign
    checklists by `due_on`; their managers are notified once. Returns new invitations."""
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignInputError(_("Invitations are sent for a campaign under way."))
    now = timezone.now()
    units = units_in_scope(campaign, region_prefix(campaign.region_code)).values_list(
        "pk", "region_id"
    )
    before = SelfInspectionInvite.objects.filter(campaign=campaign).count()
    SelfInspectionInvite.objects.bulk_create(
        [
            SelfInspectionInvite(
                campaign=campaign, unit_id=pk, region_code=code, invited_at=now, due_on=due_on
            )
            for pk, code in units.iterator(chunk_size=2000)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    added = SelfInspectionInvite.objects.filter(campaign=campaign).count() - before
    managers = (
        Membership.objects.filter(
            is_active=True,
            role__in=[Role.UNIT_MANAGER, Role.UNIT_SAFETY_OFFICER],
            unit__in=SelfInspectionInvite.objects.filter(campaign=campaign).values("unit"),
        )
        .select_related("user")
        .order_by("user_id")
    )
    notify(
        [m.user for m in managers],
        key=f"campaign.invite.{campaign.pk}",
        message=gettext_noop("Please self-inspect for the campaign “%(title)s” by %(due)s."),
        params={"title": campaign.title, "due": due_on.isoformat()},
        link=f"/campaigns/{campaign.pk}/",
        obj=campaign,
    )
    _event(campaign, EventKind.INVITED, actor, note=f"{added} units, by {due_on}")
    record_event("campaign.invite", actor=actor, obj=campaign, after={"added": added})
    return added


@transaction.atomic
def complete_task(task: InspectionTask, *, actor) -> InspectionTask:
    """Mark the task done from the inspection that fulfils it: its unit inspected (not
    self-inspected) since the task was set, for a campaign task by an inspection submitted for
    the campaign. Already done: returned unchanged. No such inspection: CampaignInputError."""
    task = InspectionTask.objects.select_for_update().get(pk=task.pk)
    if task.status == TaskStatus.DONE:
        return task
    if task.status != TaskStatus.OPEN or not complete_one(task):
        raise CampaignInputError(
            _("No inspection of this unit for this task has been submitted since it was set.")
        )
    task.refresh_from_db()
    record_event(
        "campaign.task_done",
        actor=actor,
        obj=task,
        after={"inspection": task.inspection_id, "done_at": task.done_at.isoformat()},
    )
    return task
