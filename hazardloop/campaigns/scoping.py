"""A campaign's effective scope: its own scope intersected with every ancestor's.

Within one level, the sectors and unit filters are alternatives (any of them matches); across
levels they narrow (a unit must match every level). Regions narrow the same way: a county's
adoption covers at most the county.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from hazardloop.campaigns.choices import UnitFilter
from hazardloop.campaigns.models import Campaign, region_prefix
from hazardloop.regions.models import subtree_filter
from hazardloop.units.choices import GasUse, RiskLevel
from hazardloop.units.models import Unit

FILTER_Q = {
    UnitFilter.BOTTLED_LPG: Q(gas_use=GasUse.BOTTLED_LPG),
    UnitFilter.PIPELINE_GAS: Q(gas_use=GasUse.PIPELINE),
    UnitFilter.ALCOHOL_FUEL: Q(gas_use=GasUse.ALCOHOL_FUEL),
    UnitFilter.BIOMASS: Q(gas_use=GasUse.BIOMASS),
    UnitFilter.CROWDED_PLACE: Q(is_crowded_place=True),
    UnitFilter.PUBLIC_GATHERING: Q(is_public_gathering=True),
    UnitFilter.FIRE_KEY_UNIT: Q(is_fire_key_unit=True),
    UnitFilter.RED_RISK: Q(risk_level=RiskLevel.RED),
}


@dataclass
class Level:
    prefixes: list[str]
    sectors: list[str]
    filters: list[str]


@dataclass
class EffectiveScope:
    levels: list[Level] = field(default_factory=list)
    focus_items: list[str] = field(default_factory=list)
    checklists: list[str] = field(default_factory=list)

    def unit_q(self, prefix: str = "unit__") -> Q:
        """A filter for rows whose unit (reached through `prefix`) lies in the scope."""
        condition = Q()
        for level in self.levels:
            regions = Q(pk__in=[])
            for p in level.prefixes:
                regions |= subtree_filter(f"{prefix}region", p)
            condition &= regions
            if level.sectors:
                condition &= Q(**{f"{prefix}sector__in": level.sectors})
            if level.filters:
                any_of = Q(pk__in=[])
                for name in level.filters:
                    any_of |= _prefixed(FILTER_Q[UnitFilter(name)], prefix)
                condition &= any_of
        return condition

    @property
    def sectors(self) -> list[str]:
        """The sectors every level allows (empty: all)."""
        allowed: set[str] | None = None
        for level in self.levels:
            if level.sectors:
                allowed = set(level.sectors) if allowed is None else allowed & set(level.sectors)
        return sorted(allowed or [])

    @property
    def narrowest_prefixes(self) -> list[str]:
        return self.levels[-1].prefixes if self.levels else []


def _prefixed(q: Q, prefix: str) -> Q:
    if not prefix:
        return q
    children = [(f"{prefix}{k}", v) for k, v in q.children]
    return Q(*children, _connector=q.connector, _negated=q.negated)


def chain(campaign: Campaign) -> list[Campaign]:
    """The campaign and its ancestors, root first."""
    out = [campaign]
    while out[0].parent_id:
        out.insert(0, Campaign.objects.get(pk=out[0].parent_id))
    return out


def effective_scope(campaign: Campaign) -> EffectiveScope:
    scope = EffectiveScope()
    for c in chain(campaign):
        prefixes = [region_prefix(code) for code in (c.scope_regions or [c.region_code])]
        scope.levels.append(Level(prefixes, list(c.sectors or []), list(c.unit_filters or [])))
        scope.focus_items += [i for i in c.focus_items if i not in scope.focus_items]
        scope.checklists += [str(i) for i in c.checklists if str(i) not in scope.checklists]
    return scope


def units_in_scope(campaign: Campaign, within: str | None = None) -> QuerySet:
    """Units the campaign covers, optionally only within the region prefix `within`."""
    qs = Unit.objects.filter(effective_scope(campaign).unit_q(prefix=""))
    if within:
        qs = qs.filter(subtree_filter("region", within))
    return qs


@dataclass
class LevelLabels:
    regions: list[str]
    sectors: list[str]
    filters: list[str]


def scope_labels(scope: EffectiveScope) -> tuple[list[LevelLabels], list[str]]:
    """The scope in words, for the page: region, sector and unit-group names in the active
    language for each level, and the checklists' titles (stored as ids or codes)."""
    from hazardloop.checklists.models import ChecklistTemplate
    from hazardloop.regions.codes import canonical
    from hazardloop.regions.models import Region, Sector

    codes = {canonical(p) for level in scope.levels for p in level.prefixes}
    regions = {r.code: r.name for r in Region.objects.filter(code__in=codes)}
    sectors = {s.code: s.name for s in Sector.objects.all()}
    filters = dict(UnitFilter.choices)
    levels = [
        LevelLabels(
            [regions.get(canonical(p), p) for p in level.prefixes],
            [sectors.get(s, s) for s in level.sectors],
            [str(filters.get(f, f)) for f in level.filters],
        )
        for level in scope.levels
    ]
    ids = [int(c) for c in scope.checklists if c.isdigit()]
    slugs = [c for c in scope.checklists if not c.isdigit()]
    found = ChecklistTemplate.objects.filter(Q(pk__in=ids) | Q(code__in=slugs))
    by_key = {str(t.pk): t.title for t in found} | {t.code: t.title for t in found}
    return levels, [by_key.get(c, c) for c in scope.checklists]
