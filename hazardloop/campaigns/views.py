"""Campaign pages: list, launch, detail (scope, cascade, progress, task forces, draws) and the
actions a level takes on a campaign (adopt, task list, task force, draw, invitations, close)."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hazardloop.accounts.access import has_perm_anywhere, memberships_of, require, scope_for
from hazardloop.accounts.models import User
from hazardloop.audit.services import record_event
from hazardloop.campaigns import drawing, picking, services, workbooks, workflow
from hazardloop.campaigns.access import access_campaign, plan_scope
from hazardloop.campaigns.choices import STATUS_BADGE, CampaignStatus, MemberRole
from hazardloop.campaigns.forms import CampaignForm
from hazardloop.campaigns.models import Campaign, InspectionTask, RandomDraw
from hazardloop.campaigns.progress import progress
from hazardloop.campaigns.scoping import effective_scope, scope_labels
from hazardloop.core import picking as picker
from hazardloop.regions.models import Region, Sector
from hazardloop.units.models import Unit

PAGE = 50
# Units a draw could not reach, listed on its page (the rest are counted).
LEFT_OUT_SHOWN = 100


def _manage_regions(user) -> list[Region]:
    scope = scope_for(user, "campaign.manage")
    if scope.everything:
        return list(
            Region.objects.filter(level__in=["province", "prefecture", "county"]).order_by("code")[
                :200
            ]
        )
    codes = {m.region_id for m in memberships_of(user) if m.unit_id is None}
    return [
        r
        for r in Region.objects.filter(code__in=codes).order_by("code")
        if scope.covers_region(r.code)
    ]


def _campaign_option(c) -> picker.Option:
    return picker.Option(str(c.pk), c.title, f"{c.region.name} · {c.starts_on:%Y-%m-%d}")


@login_required
@require_GET
def campaign_pick(request):
    """The campaign picker's options (htmx): campaigns the caller may see whose title or
    document number holds the search, newest first; the chosen one (`campaign`) first."""
    if scope_for(request.user, "campaign.view").is_empty:
        raise PermissionDenied(_("Your role does not allow this action here."))
    name = "campaign"
    query = picker.search_text(request, name)
    qs = Campaign.objects.visible_to(request.user).select_related("region")
    ids = [int(v) for v in picker.picked_values(request, name) if v.isdigit() and len(v) < 19]
    chosen = [_campaign_option(c) for c in qs.filter(pk__in=ids[:1])] if ids else []
    matches = []
    if query:
        match = Q(title__icontains=query) | Q(document_number__icontains=query)
        matches = [
            _campaign_option(c)
            for c in qs.filter(match).order_by("-starts_on", "-pk")[: picker.SHOWN + 1]
        ]
    return picker.options_response(
        request, name=name, multiple=False, picked=chosen, matches=matches, query=query
    )


def _require_manage_somewhere(user) -> None:
    if scope_for(user, "campaign.manage").is_empty:
        raise PermissionDenied(_("Your role does not allow this action here."))


def _picked(request, name: str, search, *args):
    """A campaign picker's options: `search(user, *args, query, picked)` (picking.py) for the
    picker `name`'s search box and the values it holds chosen."""
    query = picker.search_text(request, name)
    chosen, matches = search(request.user, *args, query, picker.picked_values(request, name))
    return picker.options_response(
        request, name=name, multiple=True, picked=chosen, matches=matches, query=query
    )


@login_required
@require_GET
def pick_regions(request):
    """The campaign form's region picker (htmx): regions in the caller's campaign scope by name
    or code."""
    _require_manage_somewhere(request.user)
    return _picked(request, "scope_regions", picking.search_regions)


@login_required
@require_GET
def pick_checklists(request):
    """The campaign form's checklist picker (htmx): checklists the caller may use, by title."""
    _require_manage_somewhere(request.user)
    return _picked(request, "checklists", picking.search_checklists)


@login_required
@require_GET
def pick_inspectors(request):
    """The task list's inspector picker (htmx): active people who may inspect, with an office
    role inside the caller's campaign scope."""
    _require_manage_somewhere(request.user)
    return _picked(request, "inspectors", picking.search_inspectors)


@login_required
@require_GET
def pick_members(request, pk):
    """A task force's member picker (htmx): active inspectors, experts, leaders and
    regulators of the campaign's region, inside the caller's campaign scope."""
    campaign = access_campaign(request.user, pk)
    require(request.user, "campaign.manage", region_code=campaign.region_code, obj=campaign)
    return _picked(request, "members", picking.search_members, campaign)


@login_required
def campaign_list(request):
    if scope_for(request.user, "campaign.view").is_empty:
        raise PermissionDenied(_("Your role does not allow this action here."))
    qs = (
        Campaign.objects.visible_to(request.user).select_related("region", "parent").order_by("-id")
    )
    before = request.GET.get("before")
    if before and before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    campaigns = list(qs[: PAGE + 1])
    more = campaigns[PAGE].pk if len(campaigns) > PAGE else None
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": [(c, STATUS_BADGE[CampaignStatus(c.status)]) for c in campaigns[:PAGE]],
            "next_before": campaigns[PAGE - 1].pk if more else None,
            "can_create": bool(_manage_regions(request.user)),
            "can_inspect": has_perm_anywhere(request.user, "inspection.create"),
        },
    )


@login_required
def campaign_create(request):
    regions = _manage_regions(request.user)
    if not regions:
        raise PermissionDenied(_("Your role does not allow this action here."))
    form = CampaignForm(
        request.POST or None, user=request.user, regions=regions, sectors=Sector.objects.all()
    )
    if request.method == "POST" and form.is_valid():
        region = Region.objects.get(code=form.cleaned_data["region"])
        require(request.user, "campaign.manage", region_code=region.code, obj=region)
        try:
            campaign = services.create_campaign(
                actor=request.user, region=region, **form.service_kwargs()
            )
        except services.CampaignInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The campaign is launched."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, pk):
    campaign = access_campaign(request.user, pk)
    manage = scope_for(request.user, "campaign.manage")
    plan = not plan_scope(request.user).is_empty  # a unit's own people never see the plan
    scope = effective_scope(campaign)
    my_regions = [r for r in _manage_regions(request.user) if r.parent_id == campaign.region_code]
    adopted = set(Campaign.objects.filter(parent=campaign).values_list("region_code", flat=True))
    scope_levels, checklist_titles = scope_labels(scope)
    stats = scope_for(request.user, "stats.view")
    context = {
        "campaign": campaign,
        "badge": STATUS_BADGE[CampaignStatus(campaign.status)],
        "chain": campaign.parent,
        "scope": scope,
        "scope_levels": scope_levels,
        # Statistics are for offices with a region (a unit's people would be refused).
        "can_see_stats": bool(stats.everything or stats.prefixes),
        "checklist_titles": checklist_titles,
        "adoptions": Campaign.objects.visible_to(request.user)
        .filter(parent=campaign)
        .select_related("region"),
        "can_manage": manage.covers_region(campaign.region_code),
        "can_adopt": [r for r in my_regions if r.code not in adopted]
        if campaign.status == CampaignStatus.ACTIVE
        else [],
        "progress": progress(request.user, campaign) if plan else None,
        "task_forces": campaign.task_forces.prefetch_related("members__user") if plan else [],
        "draws": campaign.draws.all()[:20] if plan else [],
        "task_count": InspectionTask.objects.filter(campaign=campaign).count(),
        "member_roles": MemberRole.choices,
        "today": dt.date.today().isoformat(),
        # Later apps' parts of the page (publicity): settings.CAMPAIGN_PANELS.
        "panels": [import_string(path)(request, campaign) for path in settings.CAMPAIGN_PANELS],
    }
    return render(request, "campaigns/campaign_detail.html", context)


def _date(value):
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError as exc:
        raise services.CampaignInputError(_("Enter a date like 2022-10-08.")) from exc


def _int(value, default):
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError) as exc:
        raise services.CampaignInputError(_("Enter a whole number.")) from exc


@login_required
@require_POST
def campaign_act(request, pk, action):
    campaign = access_campaign(request.user, pk)
    post = request.POST
    user = request.user
    try:
        if action == "adopt":
            region = Region.objects.filter(code=post.get("region", "")).first()
            if region is None:
                raise Http404(_("Not found."))
            require(user, "campaign.manage", region_code=region.code, obj=campaign)
            lines = [x.strip() for x in post.get("focus_items", "").splitlines() if x.strip()]
            child = services.adopt_campaign(
                campaign,
                actor=user,
                region=region,
                unit_filters=post.getlist("unit_filters"),
                focus_items=lines,
                scope_regions=[
                    x.strip() for x in post.get("scope_regions", "").split() if x.strip()
                ],
            )
            messages.success(request, _("Adopted for %(region)s.") % {"region": region})
            return redirect("campaigns:detail", pk=child.pk)
        require(user, "campaign.manage", region_code=campaign.region_code, obj=campaign)
        if action == "close":
            services.close_campaign(campaign, actor=user)
            messages.success(request, _("The campaign is closed."))
        elif action == "tasks":
            n = services.generate_tasks(campaign, actor=user, due_on=_date(post.get("due_on")))
            messages.success(request, _("%(count)s inspection tasks added.") % {"count": n})
        elif action == "task-force":
            ids = [int(x) for x in post.getlist("members")[:200] if x.isdigit() and len(x) < 19]
            ids = list(dict.fromkeys(ids))
            # Only people the member picker offers: a posted id need not come from it.
            people = {u.pk: u for u in picking.member_choices(user, campaign).filter(pk__in=ids)}
            if len(people) != len(ids):
                raise services.CampaignInputError(
                    _("Choose the members from the search: a person chosen may not join.")
                )
            roles = [post.get(f"role_{i}", MemberRole.CADRE) for i in ids]
            members = [
                (people[i], r if r in MemberRole.values else MemberRole.CADRE)
                for i, r in zip(ids, roles, strict=True)
                if i in people
            ]
            services.create_task_force(
                campaign, actor=user, name=post.get("name", ""), members=members
            )
            messages.success(request, _("The task force is set up."))
        elif action == "draw":
            draw = drawing.draw_units(
                campaign,
                actor=user,
                unit_count=_int(post.get("unit_count"), 5),
                inspectors_per_unit=_int(post.get("inspectors_per_unit"), 2),
                exclude_same_township=bool(post.get("exclude_same_township")),
                seed=post.get("seed", ""),
            )
            people = {i for row in draw.result for i in row["inspectors"]}
            messages.success(
                request,
                _("%(units)s units drawn; the %(people)s inspectors drawn have been notified.")
                % {"units": len(draw.result), "people": len(people)},
            )
            return redirect("campaigns:draw", pk=draw.pk)
        elif action == "invite":
            n = services.invite_self_inspection(
                campaign, actor=user, due_on=_date(post.get("due_on"))
            )
            messages.success(request, _("%(count)s units asked to self-inspect.") % {"count": n})
        else:
            raise Http404(_("Not found."))
    except (services.CampaignInputError, workflow.NotAllowedNow, workflow.CampaignChanged) as exc:
        messages.error(request, str(exc))
    return redirect("campaigns:detail", pk=campaign.pk)


def _draw_rows(draw, extra_units=()) -> tuple[list[dict], dict]:
    """The drawn units with their inspectors and task, by region and name (page and export)."""
    units = Unit.objects.select_related("region").in_bulk(
        [r["unit"] for r in draw.result] + list(extra_units)
    )
    people = User.objects.in_bulk({i for r in draw.result for i in r["inspectors"]})
    tasks = dict(InspectionTask.objects.filter(draw=draw).values_list("unit_id", "pk"))
    rows = [
        {
            "unit": units.get(r["unit"]),
            "inspectors": [people.get(i) for i in r["inspectors"] if i in people],
            "task": tasks.get(r["unit"]),
        }
        for r in draw.result
    ]
    rows.sort(
        key=lambda row: (row["unit"].region_id, row["unit"].name) if row["unit"] else ("", "")
    )
    return rows, units


def _visible_draw(request, pk) -> RandomDraw:
    draw = RandomDraw.objects.select_related("campaign").filter(pk=pk).first()
    if draw is None or plan_scope(request.user).is_empty:
        raise Http404(_("Not found."))
    access_campaign(request.user, draw.campaign_id)
    return draw


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=workbooks.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def draw_export(request, pk):
    """A draw's result as .xlsx: the drawn units, their regions and inspectors."""
    draw = _visible_draw(request, pk)
    rows, _units = _draw_rows(draw)
    record_event("campaign.draw_exported", actor=request.user, obj=draw, message=f"draw {pk}")
    return _xlsx(workbooks.draw_workbook(rows), f"draw-{draw.pk}.xlsx")


@login_required
@require_GET
def progress_export(request, pk):
    """The campaign's progress table as .xlsx, limited to the user's scope like the page."""
    campaign = access_campaign(request.user, pk)
    if plan_scope(request.user).is_empty:  # a unit's own people never see the plan
        raise Http404(_("Not found."))
    data = workbooks.progress_workbook(progress(request.user, campaign))
    record_event(
        "campaign.progress_exported", actor=request.user, obj=campaign, message=f"campaign {pk}"
    )
    return _xlsx(data, f"campaign-{campaign.pk}-progress.xlsx")


@login_required
def draw_detail(request, pk):
    """A draw: its record (seed, pools, whether it re-produces), each drawn unit with its
    inspectors and task, and the units that could not be drawn for want of eligible inspectors."""
    draw = _visible_draw(request, pk)
    if request.method == "POST":
        require(request.user, "campaign.manage", region_code=draw.region_code, obj=draw)
        drawing.publish_draw(draw, actor=request.user)
        messages.success(request, _("The draw is published."))
        return redirect("campaigns:draw", pk=draw.pk)
    left_out = drawing.undrawable_units(draw)
    shown = sorted(left_out)[:LEFT_OUT_SHOWN]
    rows, units = _draw_rows(draw, extra_units=shown)
    return render(
        request,
        "campaigns/draw_detail.html",
        {
            "draw": draw,
            "rows": rows,
            "left_out": sorted(
                ((units[u], left_out[u]) for u in shown if u in units),
                key=lambda pair: (pair[0].region_id, pair[0].name),
            ),
            "left_out_more": len(left_out) - len(shown),
            "left_out_total": len(left_out),
            "reproduced": drawing.reproduce_draw(draw) == draw.result,
            "can_manage": scope_for(request.user, "campaign.manage").covers_region(
                draw.region_code
            ),
        },
    )
