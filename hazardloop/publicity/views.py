"""Publicity pages: the activities in scope (by campaign, region, type), recording one, one
activity and its document, and the campaign page's publicity panel (settings.CAMPAIGN_PANELS)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hazardloop.accounts.access import has_perm_anywhere, scoped_regions
from hazardloop.campaigns.choices import CampaignStatus
from hazardloop.campaigns.models import Campaign
from hazardloop.evidence.imaging import PhotoError
from hazardloop.publicity import services
from hazardloop.publicity.access import (
    activity_or_404,
    campaign_or_404,
    campaign_tree,
    recording_regions,
    recording_units,
    visible_activities,
)
from hazardloop.publicity.choices import ActivityKind, Level
from hazardloop.publicity.forms import ActivityForm
from hazardloop.publicity.queries import tally
from hazardloop.regions import codes
from hazardloop.regions.models import Region

PAGE = 50


def _may_record(user) -> bool:
    return has_perm_anywhere(user, "publicity.record")


def filtered(user, params):
    """The activities in scope narrowed by `campaign`, `region` and `kind` (list page and API);
    (queryset, campaign or None)."""
    qs = visible_activities(user)
    campaign = None
    if (params.get("campaign") or "").isdigit():
        campaign = campaign_or_404(user, params["campaign"])
        qs = qs.filter(campaign__in=campaign_tree(campaign))
    region = params.get("region") or ""
    if region:
        if not codes.is_code(region):
            qs = qs.none()
        else:
            qs = qs.filter(codes.code_subtree_filter("region_code", region))
    kind = params.get("kind") or ""
    if kind:
        qs = qs.filter(kind=kind)
    return qs, campaign


@login_required
@require_GET
def activity_list(request):
    if not has_perm_anywhere(request.user, "publicity.view"):
        raise Http404(_("Not found."))
    qs, campaign = filtered(request.user, request.GET)
    qs = qs.select_related("unit", "campaign").order_by("-held_on", "-id")
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    _name_regions(page)
    context = {
        "page": page, "campaign": campaign, "kinds": ActivityKind.choices,
        "kind": request.GET.get("kind", ""), "region": request.GET.get("region", "")[:12],
        "may_record": _may_record(request.user),
        "regions": list(scoped_regions(request.user, "publicity.view")[:400]),
    }  # fmt: skip
    return render(request, "publicity/activity_list.html", context)


def _name_regions(activities) -> None:
    """Set `region_name` on each activity (one query): users see names, never codes."""
    regions = Region.objects.in_bulk({a.region_code for a in activities})
    for a in activities:
        region = regions.get(a.region_code)
        a.region_name = region.name if region else ""


def _places(user) -> list[tuple[str, str]]:
    units = [(f"u{u.pk}", u.name) for u in recording_units(user)]
    regions = [(f"r{r.code}", str(r)) for r in recording_regions(user)]
    return units + regions


def _campaigns(user) -> list[tuple[str, str]]:
    qs = Campaign.objects.visible_to(user).filter(status=CampaignStatus.ACTIVE)
    return [(str(c.pk), c.title) for c in qs.order_by("-starts_on", "-id")[:50]]


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    """Record a publicity activity for the user's unit or a region of their office."""
    if not _may_record(request.user):
        if has_perm_anywhere(request.user, "publicity.view"):
            raise PermissionDenied(_("Your role does not allow this action here."))
        raise Http404(_("Not found."))
    places, campaigns = _places(request.user), _campaigns(request.user)
    status = 200
    if request.method == "POST":
        form = ActivityForm(request.POST, places=places, campaigns=campaigns)
        if form.is_valid():
            data = form.cleaned_data
            place = data["place"]
            unit = None
            if place.startswith("u"):
                unit = next(u for u in recording_units(request.user) if f"u{u.pk}" == place)
            try:
                activity = services.record_activity(
                    actor=request.user, kind=data["kind"], held_on=data["held_on"],
                    reach=data["reach"], title=data["title"], description=data["description"],
                    campaign=campaign_or_404(request.user, data["campaign"])
                    if data["campaign"] else None,
                    unit=unit, region_code="" if unit else place[1:],
                    uploads=request.FILES.getlist("photos"),
                    document=request.FILES.get("document"),
                )  # fmt: skip
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PhotoError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Publicity activity recorded."))
                return redirect("publicity:detail", activity.pk)
        status = 422
    else:
        initial = {"held_on": timezone.localdate(), "place": places[0][0] if places else ""}
        if (request.GET.get("campaign") or "") in {c for c, _t in campaigns}:
            initial["campaign"] = request.GET["campaign"]
        form = ActivityForm(initial=initial, places=places, campaigns=campaigns)
    return render(request, "publicity/activity_form.html", {"form": form}, status=status)


@login_required
@require_GET
def activity_detail(request, pk: int):
    activity = activity_or_404(request.user, pk)
    _name_regions([activity])
    context = {"a": activity, "photos": list(activity.photos.all())}
    return render(request, "publicity/activity_detail.html", context)


@login_required
@require_GET
def activity_file(request, pk: int):
    activity = activity_or_404(request.user, pk)
    if not activity.file:
        raise Http404(_("Not found."))
    try:
        handle = default_storage.open(activity.file.name, "rb")
    except FileNotFoundError:
        raise Http404(_("Not found.")) from None
    pdf = activity.file_type == "application/pdf"
    extension = activity.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle, content_type=activity.file_type, as_attachment=not pdf,
        filename=f"publicity-{activity.pk}.{extension}",
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def campaign_panel(request, campaign) -> str:
    """The publicity part of a campaign's page (settings.CAMPAIGN_PANELS): what the user may see
    of the campaign's publicity (its own and its adoptions'), by type and by level."""
    if not has_perm_anywhere(request.user, "publicity.view"):
        return ""
    qs = visible_activities(request.user).filter(campaign__in=campaign_tree(campaign))
    figures = tally(qs)
    context = {
        "campaign": campaign,
        "figures": figures,
        "kinds": [(label, figures["by_kind"][v]) for v, label in ActivityKind.choices],
        "levels": [(label, figures["by_level"][v]) for v, label in Level.choices],
        "may_record": _may_record(request.user),
    }
    return render_to_string("publicity/_campaign_panel.html", context, request=request)
