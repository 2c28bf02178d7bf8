"""The workbench (工作台): every signed-in person's home page, and its one-click actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hazardloop.accounts.access import memberships_of, scope_for
from hazardloop.core.errors import page_errors
from hazardloop.hazards import workflow
from hazardloop.hazards.access import access_hazard
from hazardloop.hazards.forms import action_payload
from hazardloop.regions.models import Region
from hazardloop.workbench.search import SHOWN, search_everything
from hazardloop.workbench.todo import forget_counts, workbench

# The hazard actions the workbench performs in one click (with their defaults: the order's
# default deadline, a general hazard's re-check); everything else opens the hazard's page.
ONE_CLICK = ("order", "verify")


def _scope_regions(user) -> list:
    if scope_for(user, "unit.view").everything:
        return list(Region.objects.filter(parent__isnull=True))
    return [m.region for m in memberships_of(user) if m.unit_id is None]


@login_required
@require_GET
def home(request):
    """Each role's lists of what to do now; a person with several roles sees each group."""
    user = request.user
    inspect = scope_for(user, "inspection.create")
    groups = workbench(user)
    context = {
        "groups": groups,
        # live countdowns (accident reports' clocks run in hours), with the server's time
        "countdowns": any(i.countdown for g in groups for sec in g.sections for i in sec.items),
        "now": timezone.now(),
        "scope_regions": _scope_regions(user),
        "scope_units": [m.unit for m in memberships_of(user) if m.unit_id],
        "can_inspect": not inspect.is_empty,
        # A unit's own people only self-inspect: their button says so.
        "self_only": bool(inspect.unit_ids) and not (inspect.everything or inspect.prefixes),
    }
    return render(request, "workbench/home.html", context)


@login_required
@require_POST
def act(request, pk: int, action: str):
    """Perform a one-click action on a hazard from the workbench (the hazard's own checks
    apply: scope, role, status, version) and come back to the workbench."""
    if action not in ONE_CLICK:
        raise Http404(_("Not found."))
    hazard = access_hazard(request.user, pk)
    spec = workflow.user_action(action)
    with page_errors(request):
        payload = action_payload(spec, request.POST)
        workflow.perform(hazard, payload, actor=request.user)
        messages.success(
            request,
            _("Saved: %(action)s — %(title)s.") % {"action": spec.label, "title": hazard.title},
        )
    forget_counts(request.user)
    return redirect("workbench:home")


@login_required
@require_GET
def search(request):
    """The top bar's search: matches grouped by kind, each kind in the user's scope."""
    query = (request.GET.get("q") or "").strip()[:100]
    groups = search_everything(request.user, query)
    context = {
        "query": query,
        "groups": groups,
        "found": any(g.rows for g in groups),
        "shown": SHOWN,
    }
    return render(request, "workbench/search.html", context)
