from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from hazardloop.accounts.access import memberships_of, scope_for
from hazardloop.regions.models import Region, Sector
from hazardloop.units.models import Unit


@login_required
def home(request):
    """Overview: who I am here, what I cover, and the units in my scope by sector."""
    scope = scope_for(request.user, "unit.view")
    units = scope.filter(Unit.objects.all(), "region", "pk")
    by_sector = dict(units.values_list("sector").annotate(n=Count("id")).values_list("sector", "n"))
    sectors = [(s, by_sector.get(s.code, 0)) for s in Sector.objects.all() if by_sector.get(s.code)]
    regions = []
    if scope.everything:
        regions = list(Region.objects.filter(parent__isnull=True))
    else:
        regions = [m.region for m in memberships_of(request.user) if m.unit_id is None]
    context = {
        "unit_count": sum(by_sector.values()),
        "sectors": sectors,
        "scope_regions": regions,
        "scope_units": [m.unit for m in memberships_of(request.user) if m.unit_id],
    }
    return render(request, "reports/home.html", context)
