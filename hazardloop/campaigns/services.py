"""Campaign services: every write is one of these, in one transaction, with an audit event.

Bad input raises `CampaignInputError` with a translated message; nothing is written then.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.audit.services import record_event
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
    SelfInspectionInvite,
    TaskForce,
    TaskForceMember,
    region_prefix,
)
from hazardloop.campaigns.scoping import chain, effective_scope, units_in_scope
from hazardloop.core.errors import DomainError
from hazardloop.notifications.services import notify
from hazardloop.regions.models import Region, Sector


class CampaignInputError(DomainError, ValueError):
    """Bad input: the message is translated and shown to the user; nothing was changed."""


def add_event(campaign, kind, actor, note=""):
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
    add_event(campaign, EventKind.CREATED, actor)
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
    add_event(parent, EventKind.ADOPTED, actor, note=region.code)
    add_event(campaign, EventKind.CREATED, actor, note=f"adopted from #{parent.pk}")
    record_event("campaign.adopt", actor=actor, obj=campaign, after={"parent": parent.pk})
    if parent.status == CampaignStatus.ACTIVE:
        workflow.transition(campaign, "launch", actor=actor)
    return campaign


def close_campaign(campaign: Campaign, *, actor) -> Campaign:
    with transaction.atomic():
        return workflow.transition(campaign, "close", actor=actor)


@transaction.atomic
def create_task_force(campaign: Campaign, *, actor, name: str, members) -> TaskForce:
    """A task force of the campaign with its members: [(user, role), ...] or
    [(user, role, home region code), ...]. Cadre + expert teams list both roles. A member's
    home region (the draw keeps people out of their own township) is the one given, or else
    their most specific department membership's region."""
    name = (name or "").strip()
    if not name:
        raise CampaignInputError(_("A task force needs a name."))
    if not members:
        raise CampaignInputError(_("A task force needs at least one member."))
    given = {m[0].pk: m[2] for m in members if len(m) > 2 and m[2]}
    known = set(Region.objects.filter(code__in=given.values()).values_list("code", flat=True))
    for code in given.values():
        if code not in known:
            raise CampaignInputError(_("Unknown region: %(code)s.") % {"code": code})
    homes: dict[int, str] = {}
    for user_id, code in Membership.objects.filter(
        user__in=[m[0] for m in members], is_active=True, unit__isnull=True
    ).values_list("user_id", "region_id"):
        if len(code) > len(homes.get(user_id, "")):
            homes[user_id] = code
    force, _created = TaskForce.objects.get_or_create(
        campaign=campaign, name=name[:100], defaults={"region_code": campaign.region_code}
    )
    for user, role, *_rest in members:
        home = given.get(user.pk) or homes.get(user.pk, campaign.region_code)
        TaskForceMember.objects.get_or_create(
            task_force=force, user=user, defaults={"role": role, "home_region_code": home}
        )
    record_event(
        "campaign.task_force",
        actor=actor,
        obj=force,
        region_code=campaign.region_code,
        after={"members": [[m[0].pk, m[1], given.get(m[0].pk, "")] for m in members]},
    )
    return force


def lock_campaign(campaign: Campaign) -> int:
    """Lock the campaign every level's adoption belongs to and return its id: task lists and
    draws of one campaign, at any level, are written one at a time (the open-task constraint
    would refuse the second writer anyway, with a less helpful error)."""
    root = campaign.root_id
    list(Campaign.objects.select_for_update().filter(pk=root).values_list("pk", flat=True))
    return root


def upper_levels(campaign: Campaign) -> list[int]:
    return [c.pk for c in chain(campaign)[:-1]]


@transaction.atomic
def generate_tasks(
    campaign: Campaign, *, actor, due_on: dt.date, task_force: TaskForce | None = None
) -> int:
    """The campaign's task list: one inspection task per unit in scope (within the campaign's
    own region), due on `due_on`. Returns how many tasks the level's list gained.

    A unit that already has a task of the campaign at any level (set by a list or a draw; open,
    done or cancelled) gets no other: an open one held by an upper level moves to this level
    (the one that works the unit), its due date the earlier of the two. Running it again adds
    only the units added since, so it is idempotent."""
    if campaign.status != CampaignStatus.ACTIVE:
        raise CampaignInputError(_("Tasks are generated for a campaign under way."))
    if not campaign.starts_on <= due_on <= campaign.ends_on:
        raise CampaignInputError(_("The due date must lie within the campaign's period."))
    root = lock_campaign(campaign)
    units = units_in_scope(campaign, region_prefix(campaign.region_code))
    changes = {"campaign": campaign, "due_on": Least("due_on", Value(due_on))}
    if task_force is not None:
        changes["task_force"] = task_force
    moved = (
        InspectionTask.objects.filter(
            root_id=root,
            campaign_id__in=upper_levels(campaign),
            status=TaskStatus.OPEN,
            unit__in=units.values("pk"),
        )
        .exclude(unit__in=InspectionTask.objects.filter(campaign=campaign).values("unit"))
        .update(**changes)
    )
    taken = InspectionTask.objects.filter(root_id=root, unit_id=OuterRef("pk"))
    rows = [
        InspectionTask(
            campaign=campaign,
            root_id=root,
            unit_id=pk,
            region_code=code,
            source=TaskSource.LIST,
            due_on=due_on,
            task_force=task_force,
        )
        for pk, code in units.exclude(Exists(taken))
        .values_list("pk", "region_id")
        .iterator(chunk_size=2000)
    ]
    InspectionTask.objects.bulk_create(rows, batch_size=2000)
    added = len(rows) + moved
    note = f"{added} tasks due {due_on}" + (f" ({moved} from the upper level)" if moved else "")
    add_event(campaign, EventKind.TASKS, actor, note=note)
    record_event(
        "campaign.tasks", actor=actor, obj=campaign, after={"added": len(rows), "moved": moved}
    )
    return added


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
    add_event(campaign, EventKind.INVITED, actor, note=f"{added} units, by {due_on}")
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
