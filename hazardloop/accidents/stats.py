"""The scheduling meeting's accident figures: accidents, deaths and serious injuries for a
period, by region, type, grade and sector, compared with the same period a year before (同比).
The province's target is that both the number of accidents and the deaths fall (双下降).

For the dashboard, the map and the daily report (the reports app), call

    accident_figures(user, start, end, group_by="region", region_code=None)

with local dates (`end` inclusive). It returns `Figures`: `total` and one `Row` per group, each
with `accidents`, `deaths`, `serious_injuries`, the same three a year earlier (`last_*`) and
`both_down` (accidents and deaths both fell). Only accidents in the user's `accident.view`
department scope are counted (a unit's own people get nothing); `region_code` narrows to a
subtree; `group_by="region"` groups by the child regions of `region_code` (or of the user's
top region).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils import timezone

from hazardloop.accidents.choices import GRADE_ORDER, AccidentGrade, AccidentType
from hazardloop.accidents.models import Accident
from hazardloop.accounts.access import Scope, scope_for
from hazardloop.hazards.deadlines import LOCAL
from hazardloop.regions import codes
from hazardloop.regions.models import Region, Sector

GROUPS = ("region", "type", "grade", "sector")


@dataclass
class Row:
    key: str
    label: str
    accidents: int = 0
    deaths: int = 0
    serious_injuries: int = 0
    last_accidents: int = 0
    last_deaths: int = 0
    last_serious_injuries: int = 0

    @property
    def both_down(self) -> bool:
        """双下降: both the accidents and the deaths fell against the same period last year."""
        return self.accidents < self.last_accidents and self.deaths < self.last_deaths

    def change(self, now: int, before: int) -> int | None:
        """Percentage change, None when there was nothing a year before."""
        return None if before == 0 else round((now - before) * 100 / before)

    @property
    def accidents_change(self):
        return self.change(self.accidents, self.last_accidents)

    @property
    def deaths_change(self):
        return self.change(self.deaths, self.last_deaths)


@dataclass
class Figures:
    start: dt.date
    end: dt.date
    group_by: str
    region_code: str
    total: Row
    rows: list[Row] = field(default_factory=list)


def department_scope(user) -> Scope:
    scope = scope_for(user, "accident.view")
    return Scope(everything=scope.everything, prefixes=scope.prefixes)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    low = dt.datetime.combine(start, dt.time.min, tzinfo=LOCAL)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
    return low, high


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def top_region(user) -> str:
    scope = department_scope(user)
    if scope.everything or not scope.prefixes:
        return "220000"
    return codes.canonical(min(scope.prefixes, key=len))


def _key_of(row_region: str, group_by: str, parent: str) -> str | None:
    if group_by != "region":
        return None
    depth = {codes.PROVINCE: codes.PREFECTURE, codes.PREFECTURE: codes.COUNTY}.get(
        codes.level(parent), codes.TOWNSHIP
    )
    return codes.ancestor_at(row_region, depth) or parent


def accident_figures(
    user, start: dt.date, end: dt.date, group_by: str = "region", region_code: str | None = None
) -> Figures:
    if group_by not in GROUPS:
        raise ValueError(group_by)
    scope = department_scope(user)
    parent = region_code or top_region(user)
    base = scope.filter(Accident.objects.all(), region_field="region_code", unit_field=None)
    base = base.filter(codes.code_subtree_filter("region_code", parent))
    field_of = {"type": "accident_type", "grade": "grade", "sector": "sector_code"}
    rows: dict[str, Row] = {}
    total = Row("", "")
    for period, (a, b) in enumerate(
        [_bounds(start, end), _bounds(year_before(start), year_before(end))]
    ):
        qs = base.filter(occurred_at__gte=a, occurred_at__lt=b)
        column = field_of.get(group_by, "region_code")
        grouped = qs.values(column).annotate(
            n=Count("id"), d=Sum("deaths"), s=Sum("serious_injuries")
        )
        for g in grouped:
            key = g[column] or ""
            if group_by == "region":
                key = _key_of(key, group_by, parent)
            row = rows.setdefault(key, Row(key, ""))
            for target in (row, total):
                if period == 0:
                    target.accidents += g["n"]
                    target.deaths += g["d"] or 0
                    target.serious_injuries += g["s"] or 0
                else:
                    target.last_accidents += g["n"]
                    target.last_deaths += g["d"] or 0
                    target.last_serious_injuries += g["s"] or 0
    _label(rows, group_by, parent)
    order = {
        "grade": lambda r: GRADE_ORDER.index(r.key) if r.key in GRADE_ORDER else 99,
    }.get(group_by, lambda r: r.key)
    return Figures(start, end, group_by, parent, total, sorted(rows.values(), key=order))


def _label(rows: dict, group_by: str, parent: str) -> None:
    from django.utils.translation import gettext as _

    if group_by == "region":
        names = {r.code: r.name for r in Region.objects.filter(code__in=list(rows))}
        for key, row in rows.items():
            row.label = names.get(key, key)
    elif group_by == "type":
        for key, row in rows.items():
            row.label = str(AccidentType(key).label) if key in AccidentType.values else key
    elif group_by == "grade":
        for key, row in rows.items():
            row.label = str(AccidentGrade(key).label) if key in AccidentGrade.values else key
    else:
        names = {s.code: s.name for s in Sector.objects.filter(code__in=list(rows))}
        for key, row in rows.items():
            row.label = names.get(key) or _("No registered unit")


def this_year_to_date(now=None) -> tuple[dt.date, dt.date]:
    today = timezone.localtime(now or timezone.now(), LOCAL).date()
    return today.replace(month=1, day=1), today


def late_steps(user, start: dt.date, end: dt.date, now=None) -> int:
    """Reporting steps late in the period (sent after their deadline, or still unsent past it)."""
    from django.db.models import F, Q

    from hazardloop.accidents.models import ChainStep

    now = now or timezone.now()
    a, b = _bounds(start, end)
    scope = department_scope(user)
    steps = scope.filter(ChainStep.objects.all(), region_field="accident_region", unit_field=None)
    return (
        steps.filter(accident__occurred_at__gte=a, accident__occurred_at__lt=b)
        .filter(Q(late=True) | Q(sent_at__isnull=True, due_at__lt=now) | Q(sent_at__gt=F("due_at")))
        .count()
    )
