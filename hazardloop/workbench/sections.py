"""What each role has to do now: the lists of the workbench and of `GET /api/v1/me/todo`.

Every list is read through the apps' own ways in — `Hazard.objects.visible_to`, `scope_for`,
`campaigns.access.plan_scope`, `inspections.access.visible_inspections`,
`hazards.experts.assigned_to` — so no list adds a scope rule of its own. Each is bounded (LIMIT
rows, most urgent first) and names its full list ("see all").
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hazardloop.accounts.access import scope_for
from hazardloop.campaigns.access import plan_scope
from hazardloop.campaigns.choices import MemberRole, TaskStatus
from hazardloop.campaigns.models import InspectionTask, TaskForceMember
from hazardloop.campaigns.task_views import campaign_checklist_id, inspect_url
from hazardloop.hazards.choices import (
    GRADE_BADGE,
    OPEN_STATUSES,
    SUPERVISION_BADGE,
    EventKind,
    ExtensionStatus,
    Grade,
    Status,
    SupervisionLevel,
)
from hazardloop.hazards.deadlines import LOCAL, work_calendar
from hazardloop.hazards.experts import assigned_to
from hazardloop.hazards.models import ExtensionRequest, Hazard, HazardEvent
from hazardloop.inspections.access import visible_inspections
from hazardloop.inspections.choices import Mode
from hazardloop.supervision.clocks import clocks_for
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.workbench.items import (
    LIMIT,
    Action,
    Figure,
    Item,
    Section,
    capped_count,
    ledger_url,
)

# "Deadlines due in the next days": how many days ahead the office looks.
DUE_SOON_DAYS = 7
# Figures that count more than settings.WORKBENCH_FIGURES_KEEP_ABOVE hazards (a province's:
# the overdue ones by rung take 0.3 s at 5M hazards, from an index alone) are kept
# FIGURES_SECONDS for the same scope and shown with the time they were counted; smaller scopes
# (a county's) are counted on every request.
FIGURES_SECONDS = 60
# How many documents' clocks are computed to find the most urgent (one query, no per-row cost).
DOCUMENT_WINDOW = 100


@dataclass
class Ctx:
    user: object
    now: dt.datetime
    items: bool = True  # False: counts only (the menu's to-do count)

    @property
    def today(self) -> dt.date:
        return timezone.localtime(self.now, LOCAL).date()

    @property
    def week_end(self) -> dt.date:
        """The last day of this week (Sunday)."""
        return self.today + dt.timedelta(days=6 - self.today.weekday())


def kept_figures(name: str, ctx: Ctx, compute) -> tuple[dict, dt.datetime | None]:
    """`compute()`'s {key: count} for the user's hazard scope, and None; or, within
    FIGURES_SECONDS of a count above settings.WORKBENCH_FIGURES_KEEP_ABOVE in the same scope,
    that count and the time it was taken. The key is the scope itself (two users of one
    region share it; of different regions or scopes, never)."""
    raw = repr((name, scope_for(ctx.user, "hazard.view")))
    key = "workbench:figures:" + hashlib.sha256(raw.encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        return kept["values"], kept["at"]
    values = compute()
    if sum(values.values()) > settings.WORKBENCH_FIGURES_KEEP_ABOVE:
        cache.set(key, {"values": values, "at": ctx.now}, FIGURES_SECONDS)
    return values, None


def fill(section: Section, ctx: Ctx, qs, make, count_order: tuple = ()) -> Section:
    """Count the list (up to COUNT_CAP + 1) and, unless counting only, turn its first LIMIT
    rows into items (one query when the list is short: the count is only asked for when there
    are more rows)."""
    if not ctx.items:
        section.count = capped_count(qs, count_order)
        return section
    rows = list(qs[: LIMIT + 1])
    section.count = len(rows) if len(rows) <= LIMIT else capped_count(qs, count_order)
    section.items = [make(row) for row in rows[:LIMIT]]
    return section


def hazard_url(hazard) -> str:
    return reverse("hazards:detail", args=[hazard.pk])


def hazard_item(hazard, ctx: Ctx, **extra) -> Item:
    values = {
        "id": hazard.pk,
        "title": hazard.title,
        "url": hazard_url(hazard),
        "unit": hazard.unit.name,
        "due": hazard.due_at,
        "badge": hazard.get_grade_display(),
        "badge_colour": GRADE_BADGE.get(hazard.grade, "secondary"),
        "late": hazard.is_overdue(ctx.now),
    }
    values.update(extra)
    return Item(**values)


def hazards_of(user, perm: str = "hazard.view"):
    return Hazard.objects.visible_to(user, perm).select_related("unit")


def _one_click(label: str, name: str, hazard) -> Action:
    return Action(
        label, reverse("workbench:act", args=[hazard.pk, name]), "post", name, hazard.version
    )


# --- the county office (regulator) -----------------------------------------------------------


def to_order(ctx: Ctx) -> Section:
    """Found hazards waiting for an order, the regulator's time limit first."""
    section = Section(
        "to_order",
        "office",
        _("Hazards to order"),
        see_all=ledger_url(status=Status.FOUND),
        empty=_("Every hazard found has been ordered."),
        hint=_("Order by the default deadline, or open it to set one."),
        actionable=True,
    )
    qs = (
        hazards_of(ctx.user, "hazard.order")
        .filter(status=Status.FOUND)
        .order_by(F("clock_due_at").asc(nulls_last=True), "found_at", "id")
    )

    def make(h):
        return hazard_item(
            h,
            ctx,
            due=h.clock_due_at,
            since=h.found_at,
            waited_days=(ctx.now - h.found_at).days,
            late=h.clock_lapsed(ctx.now),
            action=_one_click(_("Order rectification"), "order", h),
        )

    # Counted along (status, region code): with a bare LIMIT, PostgreSQL walked the open
    # hazards' deadline index, where found ones (no deadline yet) come last — 4 s at 5M.
    return fill(section, ctx, qs, make, count_order=("status", "region_code"))


def _verify_item(h, ctx: Ctx) -> Item:
    """A submitted rectification: a general hazard is verified in one click; a major one's
    acceptance needs its team, so the click opens the hazard's page."""
    if h.grade == Grade.MAJOR:
        action = Action(_("Acceptance with the team"), hazard_url(h))
    else:
        action = _one_click(_("Verification passed"), "verify", h)
    return hazard_item(
        h,
        ctx,
        due=h.clock_due_at,
        since=h.submitted_at,
        waited_days=(ctx.now - h.submitted_at).days if h.submitted_at else None,
        late=h.clock_lapsed(ctx.now),
        action=action,
    )


def verify_hint() -> str:
    return _("A general hazard passes in one click; a major hazard's acceptance opens its page.")


def _submitted(ctx: Ctx):
    return (
        hazards_of(ctx.user, "hazard.verify")
        .filter(status=Status.SUBMITTED)
        .order_by(F("submitted_at").asc(nulls_last=True), "id")
    )


def to_verify(ctx: Ctx) -> Section:
    section = Section(
        "to_verify",
        "office",
        _("Submissions waiting for verification"),
        see_all=ledger_url(status=Status.SUBMITTED),
        empty=_("No rectification is waiting for verification."),
        hint=verify_hint(),
        actionable=True,
    )
    return fill(section, ctx, _submitted(ctx), lambda h: _verify_item(h, ctx))


def due_soon(ctx: Ctx) -> Section:
    until = ctx.today + dt.timedelta(days=DUE_SOON_DAYS)
    section = Section(
        "due_soon",
        "office",
        _("Deadlines in the next %(n)s days") % {"n": DUE_SOON_DAYS},
        see_all=ledger_url(status="open", overdue="no", due_to=until.isoformat()),
        empty=_("No rectification deadline in the next days."),
    )
    qs = (
        hazards_of(ctx.user)
        .filter(status__in=[Status.ORDERED, Status.RECTIFYING])
        .filter(due_at__gte=ctx.now, due_at__lt=timezone.make_aware(
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min), LOCAL
        ))
        .order_by("due_at", "id")
    )  # fmt: skip
    return fill(section, ctx, qs, lambda h: hazard_item(h, ctx))


def overdue(ctx: Ctx, role: str = "office", title: str | None = None) -> Section:
    """Overdue rectifications: how many stand at each rung of the supervision ladder, and the
    longest overdue first."""
    section = Section(
        "overdue",
        role,
        title or _("Overdue, by supervision rung"),
        see_all=ledger_url(overdue="yes"),
        empty=_("Nothing is overdue."),
    )
    qs = hazards_of(ctx.user).overdue(ctx.now)
    if ctx.items:
        # COUNT(*), not of the id: answered from an index alone (hazards/0015, led by the
        # deadline, for a province; hazards/0016, led by the region code, for a county).
        counts, section.figures_at = kept_figures(
            "overdue",
            ctx,
            lambda: dict(qs.order_by().values_list("supervision_level").annotate(n=Count("*"))),
        )
        section.figures = [
            Figure(level.value, str(level.label), counts[level.value])
            for level in SupervisionLevel
            if counts.get(level.value)
        ]

    def make(h):
        level = SupervisionLevel(h.supervision_level)
        days = (ctx.now - h.due_at).days
        return hazard_item(
            h,
            ctx,
            note=ngettext("%(n)s day overdue", "%(n)s days overdue", days) % {"n": days},
            badge=str(level.label),
            badge_colour=SUPERVISION_BADGE[level],
        )

    return fill(section, ctx, qs.order_by("due_at", "id"), make)


def documents(ctx: Ctx) -> Section:
    """Documents whose legal clocks still run: served late or not yet, or their hazard is
    still open; each with its next clock."""
    section = Section(
        "documents",
        "office",
        _("Documents whose legal clock is running"),
        empty=_("No document has a clock running."),
    )
    qs = (
        scope_for(ctx.user, "hazard.view")
        .filter(EnforcementDocument.objects.all(), "region_code", "unit")
        # The hazard is asked about only for a served document: an unserved one counts without
        # reading its hazard (a county's capped count at 5M, 1,000 random hazard rows: 51 ms).
        .filter(
            Q(served_at__isnull=True)
            | Exists(Hazard.objects.filter(pk=OuterRef("hazard_id"), status__in=OPEN_STATUSES))
        )
        .order_by("issued_at", "id")
    )
    calendar = work_calendar() if ctx.items else None

    def make(doc):
        running = [c for c in clocks_for(doc, now=ctx.now, calendar=calendar) if not c.done_at]
        first = min(running, key=lambda c: c.due or dt.date.max, default=None)
        url = reverse("supervision:document", args=[doc.pk])
        return Item(
            id=doc.pk,
            title=f"{doc.get_kind_display()} {doc.number}",
            url=url,
            unit=doc.unit.name,
            due=first.due if first else None,
            since=doc.issued_at,
            since_label=_("issued"),
            note=first.label if first else "",
            badge=str(first.state_label) if first else "",
            badge_colour=first.badge if first else "secondary",
            late=bool(first and first.due and first.due < ctx.today),
            action=Action(
                _("Record the service") if doc.served_at is None else _("Open the document"), url
            ),
        )

    # Counted up to COUNT_CAP + 1 like every list ("999+"): a province's whole count took
    # 0.6 s at 5M hazards (the open hazards' join).
    if not ctx.items:
        section.count = capped_count(qs)
        return section
    # The most urgent first: the next clock's day, over the DOCUMENT_WINDOW oldest documents.
    # The window's ids first, then those documents with their hazard and unit: joined in the
    # same query, PostgreSQL joined all of a county's documents before keeping the oldest
    # (2,189 at 5M hazards: 29.7 ms; the ids alone 7.2 ms).
    ids = list(qs.values_list("id", flat=True)[:DOCUMENT_WINDOW])
    docs = EnforcementDocument.objects.select_related("hazard", "unit").in_bulk(ids)
    rows = [make(docs[pk]) for pk in ids if pk in docs]
    rows.sort(key=lambda item: (item.due or dt.date.max, item.id))
    section.items = rows[:LIMIT]
    section.count = len(ids) if len(ids) < DOCUMENT_WINDOW else capped_count(qs)
    return section


def extensions(ctx: Ctx) -> Section:
    section = Section(
        "extensions",
        "office",
        _("Extension requests"),
        empty=_("No extension request is waiting."),
        actionable=True,
    )
    qs = (
        scope_for(ctx.user, "hazard.decide_extension")
        .filter(
            ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING),
            "hazard__region_code",
            "hazard__unit",
        )
        .select_related("hazard", "hazard__unit")
        .order_by("requested_at", "id")
    )

    def make(ext):
        h = ext.hazard
        return hazard_item(
            h,
            ctx,
            id=ext.pk,
            due=ext.proposed_due_at,
            since=ext.requested_at,
            waited_days=(ctx.now - ext.requested_at).days,
            note=ext.reason,
            action=Action(_("Decide"), hazard_url(h)),
        )

    return fill(section, ctx, qs, make)


def _task_item(task, ctx: Ctx, checklists: dict, mode: str = "") -> Item:
    if task.campaign_id and task.campaign_id not in checklists:
        checklists[task.campaign_id] = campaign_checklist_id(task.campaign)
    url = inspect_url(task, checklists.get(task.campaign_id))
    if mode:
        url += "&" + urlencode({"mode": mode})
    if task.due_on < ctx.today:
        badge, colour = _("Late"), "danger"
    elif task.due_on == ctx.today:
        badge, colour = _("Today"), "warning"
    else:
        badge, colour = _("This week"), "info"
    return Item(
        id=task.pk,
        title=task.unit.name,
        url=reverse("campaigns:task", args=[task.pk]) if task.campaign_id else url,
        unit=task.campaign.title if task.campaign_id else task.get_source_display(),
        due=task.due_on,
        badge=badge,
        badge_colour=colour,
        late=task.due_on < ctx.today,
        action=Action(_("Inspect"), url),
    )


def tasks_section(section: Section, ctx: Ctx, which: Q, mode: str = "") -> Section:
    """A list of open inspection tasks in the user's plan scope (`which` of them), the
    earliest due first, each opening the inspection form (in `mode`, when given)."""
    qs = (
        plan_scope(ctx.user)
        .filter(InspectionTask.objects.filter(status=TaskStatus.OPEN), "region_code", None)
        .filter(which)
        .select_related("unit", "campaign")
        .order_by("due_on", "id")
    )
    checklists: dict = {}
    return fill(section, ctx, qs, lambda t: _task_item(t, ctx, checklists, mode))


def campaign_tasks(ctx: Ctx) -> Section:
    section = Section(
        "campaign_tasks",
        "office",
        _("Campaign tasks due"),
        see_all=reverse("campaigns:list"),
        empty=_("No campaign task is due this week."),
    )
    return tasks_section(section, ctx, Q(due_on__lte=ctx.week_end))


# --- the inspector ---------------------------------------------------------------------------


def my_tasks(ctx: Ctx) -> Section:
    """Tasks drawn for or assigned to me, due by the end of this week (late ones first)."""
    section = Section(
        "my_tasks",
        "inspector",
        _("My tasks today and this week"),
        see_all=reverse("campaigns:my_tasks"),
        empty=_("No task is due this week."),
        actionable=True,
    )
    return tasks_section(section, ctx, Q(inspectors=ctx.user, due_on__lte=ctx.week_end))


def rechecks(ctx: Ctx) -> Section:
    section = Section(
        "rechecks",
        "inspector",
        _("Re-checks due"),
        see_all=ledger_url(status=Status.SUBMITTED),
        empty=_("No re-check is due."),
        hint=verify_hint(),
    )
    return fill(section, ctx, _submitted(ctx), lambda h: _verify_item(h, ctx))


def recent_inspections(ctx: Ctx) -> Section:
    section = Section(
        "recent_inspections",
        "inspector",
        _("My recent inspections"),
        see_all=reverse("inspections:list"),
        empty=_("You have not submitted an inspection yet."),
    )
    return inspections_section(section, ctx, Q(inspector=ctx.user))


def inspections_section(section: Section, ctx: Ctx, which: Q) -> Section:
    """A list of the inspections the user may see (`which` of them), the latest first."""
    qs = (
        visible_inspections(ctx.user)
        .filter(which)
        .select_related("unit")
        .order_by("-received_at", "-id")
    )
    return fill(section, ctx, qs, inspection_item)


def inspection_item(inspection) -> Item:
    return Item(
        id=inspection.pk,
        title=inspection.unit.name,
        url=reverse("inspections:detail", args=[inspection.pk]),
        since=inspection.received_at,
        note=_("%(failed)s failed items, %(hazards)s hazards")
        % {"failed": inspection.n_failed, "hazards": inspection.n_hazards},
        badge=inspection.get_mode_display(),
        badge_colour="danger" if inspection.n_hazards else "success",
    )


# --- the expert ------------------------------------------------------------------------------


def assigned(ctx: Ctx) -> Section:
    section = Section(
        "assigned",
        "expert",
        _("Hazards assigned to me"),
        see_all=reverse("hazards:list") + "?assigned=me",
        empty=_("No open hazard is assigned to you."),
    )
    qs = assigned_to(ctx.user).open().order_by(F("due_at").asc(nulls_last=True), "id")
    return fill(section, ctx, qs, lambda h: hazard_item(h, ctx))


def advice_due(ctx: Ctx) -> Section:
    section = Section(
        "advice_due",
        "expert",
        _("Advice due"),
        see_all=reverse("hazards:list") + "?assigned=me&status=open",
        empty=_("You have advised on every hazard assigned to you."),
        actionable=True,
    )
    advised = HazardEvent.objects.filter(
        hazard=OuterRef("pk"), kind=EventKind.ADVICE, actor=ctx.user
    )
    qs = (
        assigned_to(ctx.user)
        .open()
        .filter(~Exists(advised))
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )

    def make(h):
        return hazard_item(h, ctx, action=Action(_("Give advice"), hazard_url(h)))

    return fill(section, ctx, qs, make)


# --- the leader and the duty officer ---------------------------------------------------------


def _month_start(ctx: Ctx) -> dt.datetime:
    return dt.datetime.combine(ctx.today.replace(day=1), dt.time.min, tzinfo=LOCAL)


def lead_tasks(ctx: Ctx) -> Section:
    """Open tasks of the task forces I lead (领导带队): the inspections I must lead."""
    section = Section(
        "lead_tasks",
        "leader",
        _("Inspections I must lead"),
        empty=_("No open task of a team you lead."),
        actionable=True,
    )
    forces = TaskForceMember.objects.filter(user=ctx.user, role=MemberRole.LEADER).values(
        "task_force"
    )
    return tasks_section(section, ctx, Q(task_force__in=forces), mode=Mode.LEADER_LED)


def led_inspections(ctx: Ctx) -> Section:
    section = Section(
        "led_inspections",
        "leader",
        _("Inspections I led this month"),
        see_all=reverse("inspections:list"),
        empty=_("You have not led an inspection this month."),
    )
    return inspections_section(section, ctx, Q(leader=ctx.user, received_at__gte=_month_start(ctx)))


def headline(ctx: Ctx, role: str) -> Section:
    """My region's headline figures: open, overdue, open major hazards, inspections this month."""
    section = Section("headline", role, _("My region at a glance"))
    if not ctx.items:
        return section
    hazards = hazards_of(ctx.user).open().order_by()
    figures, section.figures_at = kept_figures(
        "headline",
        ctx,
        # Rows counted by their region code (never null, so every row), not by id: answered
        # from the open hazards' index (region code, grade, deadline) alone — a county at 5M
        # hazards in 7 ms, 150 ms counting ids. (Django refuses COUNT(*) with a filter.)
        lambda: hazards.aggregate(
            open=Count("region_code"),
            overdue=Count("region_code", filter=Q(due_at__lt=ctx.now)),
            major=Count("region_code", filter=Q(grade=Grade.MAJOR)),
        ),
    )
    inspections = visible_inspections(ctx.user).filter(received_at__gte=_month_start(ctx))
    section.figures = [
        Figure("open", _("Open hazards"), figures["open"], ledger_url(status="open")),
        Figure("overdue", _("Overdue"), figures["overdue"], ledger_url(overdue="yes")),
        Figure(
            "major",
            _("Open major hazards"),
            figures["major"],
            ledger_url(status="open", grade=Grade.MAJOR),
        ),
        Figure(
            "inspections",
            _("Inspections this month"),
            inspections.count(),
            reverse("inspections:list"),
        ),
    ]
    return section
