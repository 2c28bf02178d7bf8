"""GET /regions?parent=<code>: the region tree, one level at a time."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from hazardloop.core.api import Pagination, RegionCode
from hazardloop.regions.models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    parent: str | None
    level: str
    name: str
    name_zh: str
    name_en: str
    is_statistical: bool

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name


@router.get("", response=list[RegionOut])
@paginate(Pagination)
def list_regions(request, parent: RegionCode | None = None, zones: bool = True):
    """Children of `parent` (the province when omitted). Regions are reference data that every
    signed-in user may read."""
    qs = Region.objects.all()
    if parent:
        get_object_or_404(Region, code=parent)
        qs = qs.filter(parent_id=parent)
    else:
        qs = qs.filter(parent__isnull=True)
    if not zones:
        qs = qs.filter(is_statistical=False)
    return qs.order_by("code")


@router.get("/{code}", response=RegionOut)
def get_region(request, code: RegionCode):
    return get_object_or_404(Region, code=code)
