from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from hazardloop.regions.models import Department, Region


@login_required
def tree(request, code: str | None = None):
    """Browse the region tree: a region, its children and its departments."""
    region = (
        get_object_or_404(Region, code=code) if code else Region.objects.get(parent__isnull=True)
    )
    children = region.children.annotate(n_children=Count("children")).order_by("code")
    departments = Department.objects.filter(region=region).prefetch_related("sectors")
    context = {
        "region": region,
        "ancestors": region.ancestors(),
        "children": children,
        "departments": departments,
    }
    return render(request, "regions/tree.html", context)
