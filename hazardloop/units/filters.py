"""One filter for the unit list page, the API and the export: parameters in, queryset out.

Parameters: region (code; the region and everything below), sector, gas, risk, key / crowded
/ gathering (1 or 0), lapsed (1: units with lapsed duties, the stored count of
obligations.UnitDutyCount; 0: none), q (free text on name, USCC and address;
one or two characters: name and address, search.py), sort (name, -updated, -risk).
Bad values are reported in `errors` (translated) and left out of the filter.
"""

import base64
import json

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hazardloop.accounts.access import scope_for
from hazardloop.core.picking import Option
from hazardloop.regions.models import Region, Sector, subtree_filter
from hazardloop.units import search
from hazardloop.units.choices import GasUse, RiskLevel
from hazardloop.units.models import Unit

FLAGS = {
    "key": "is_fire_key_unit",
    "crowded": "is_crowded_place",
    "gathering": "is_public_gathering",
}
# sort name → (field, descending)
SORTS = {
    "name": ("name", False),
    "-updated": ("updated_at", True),
    "-risk": ("risk_rank", True),
}
DEFAULT_SORT = "name"


def visible_units(user, perm: str = "unit.view") -> QuerySet:
    """The one way in to units: those the user may see with perm (a unit user: their own)."""
    return scope_for(user, perm).filter(Unit.objects.all(), "region", "pk")


def single_code(prefix: str) -> str | None:
    """The one region code that every unit under prefix carries, if there is one (a county
    whose units are all filed under the county itself). Two index probes. With it the filter
    adds `region_id = code`, so that the (region, name, id) index serves the sort by name:
    a code range mixes several codes and the planner then walks the whole name index."""
    codes = Unit.objects.filter(subtree_filter("region_id", prefix)).values_list(
        "region_id", flat=True
    )
    first = codes.order_by("region_id").first()
    if first is None or codes.order_by("-region_id").first() != first:
        return None
    return first


class UnitFilter:
    def __init__(self, params, user, perm: str = "unit.view"):
        self.params = params
        self.user = user
        self.perm = perm
        self.errors: list[str] = []
        self.values: dict[str, str] = {}
        self.sort = params.get("sort") or DEFAULT_SORT
        if self.sort not in SORTS:
            self.errors.append(_("Unknown sort order; sorted by name."))
            self.sort = DEFAULT_SORT

    def _get(self, key: str) -> str:
        value = (self.params.get(key) or "").strip()
        if value:
            self.values[key] = value
        return value

    def queryset(self) -> QuerySet:
        qs = visible_units(self.user, self.perm)
        scope = scope_for(self.user, self.perm)  # cached per user: the same as visible_units'
        region = self._get("region")
        subtree = None
        if region:
            found = Region.objects.filter(code=region).only("prefix").first()
            if found is None:
                self.errors.append(_("Unknown region code %(code)s.") % {"code": region})
            else:
                subtree = found.prefix
        # Sorted by name within one code: the (region, name, id) index gives the order. Only
        # for that sort: for the others an extra equality beside the range makes the planner
        # expect a handful of rows and sort tens of thousands.
        narrow = None
        if self.sort == "name":
            narrow = subtree or (
                scope.prefixes[0] if len(scope.prefixes) == 1 and not scope.unit_ids else None
            )
        code = single_code(narrow) if narrow else None
        if code:
            qs = qs.filter(region_id=code)
        elif subtree is not None:
            qs = qs.filter(subtree_filter("region_id", subtree))
        sector = self._get("sector")
        if sector:
            if Sector.objects.filter(code=sector).exists():
                qs = qs.filter(sector_id=sector)
            else:
                self.errors.append(_("Unknown sector %(code)s.") % {"code": sector})
        gas = self._get("gas")
        if gas:
            if gas in GasUse.values:
                qs = qs.filter(gas_use=gas)
            else:
                self.errors.append(_("Unknown gas use %(code)s.") % {"code": gas})
        level = self._get("risk")
        if level:
            if level in RiskLevel.values:
                qs = qs.filter(risk_level=level)
            else:
                self.errors.append(_("Unknown risk level %(code)s.") % {"code": level})
        for key, field in FLAGS.items():
            value = self._get(key)
            if value in ("1", "true", "0", "false"):
                qs = qs.filter(**{field: value in ("1", "true")})
            elif value:
                self.errors.append(_("Flags are filtered with 1 or 0."))
        lapsed = self._get("lapsed")
        if lapsed in ("1", "true"):
            qs = qs.filter(duty_count__lapsed__gt=0)
        elif lapsed in ("0", "false"):
            qs = qs.exclude(duty_count__lapsed__gt=0)
        elif lapsed:
            self.errors.append(_("Flags are filtered with 1 or 0."))
        term = search.normalise(self._get("q"))
        if term:
            # A short search inside a city or county (the filter, or a user's single scope
            # prefix) reads only the matches filed under that region's codes: the index holds
            # each unit's region code beside its tokens (search.ShortMatch). The whole province
            # is every unit.
            codes = [code] if code else None
            prefix = subtree or (
                scope.prefixes[0] if len(scope.prefixes) == 1 and not scope.unit_ids else None
            )
            if len(term) <= search.SHORT_QUERY and not code and prefix and len(prefix) > 2:
                codes = list(
                    Region.objects.filter(subtree_filter("code", prefix)).values_list(
                        "code", flat=True
                    )
                )
            qs = qs.filter(search.match(term, codes))
        return qs

    def ordered(self, qs: QuerySet) -> QuerySet:
        field, desc = SORTS[self.sort]
        prefix = "-" if desc else ""
        return qs.order_by(f"{prefix}{field}", f"{prefix}id")

    # --- keyset pagination -------------------------------------------------------------------

    def after(self, qs: QuerySet, cursor: str) -> QuerySet:
        """Rows after the cursor in the current sort order (a bad cursor: from the start)."""
        try:
            value, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
            last_id = int(last_id)
        except (ValueError, TypeError, UnicodeDecodeError):
            return qs
        field, desc = SORTS[self.sort]
        op = "lt" if desc else "gt"
        return qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": last_id}))

    def cursor_for(self, unit: Unit) -> str:
        field, _desc = SORTS[self.sort]
        value = getattr(unit, field)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        raw = json.dumps([value, unit.pk], ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(raw).decode()


def pick_units(user, query: str, limit: int = 20) -> list[Unit]:
    """Units in the user's scope whose name, credit code or address holds `query`."""
    term = search.normalise(query[:100])
    if not term:
        return []
    qs = visible_units(user).filter(search.match(term)).select_related("region")
    return list(qs.order_by("name", "pk")[:limit])


def unit_option(unit: Unit) -> Option:
    """A unit as the search picker shows it: name, region and credit code."""
    return Option(str(unit.pk), unit.name, f"{unit.region.name} · {unit.uscc}")


def picked_unit(user, unit_id) -> list[Option]:
    """The unit a picker shows as chosen (none or one), when the user may see it."""
    if not unit_id:
        return []
    unit = visible_units(user).select_related("region").filter(pk=unit_id).first()
    return [unit_option(unit)] if unit else []
