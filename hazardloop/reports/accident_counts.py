"""The accident figures of the statistics: counted per region row for the period and the same
period a year before (同比), and what they say (the change, 双下降) by the accidents app's rule
(`accidents.stats.Row`), for the region rows, the API, the dashboard and the daily report."""

from django.db.models import Count, Q, Sum

from hazardloop.accidents.models import Accident
from hazardloop.accidents.stats import Row as AccidentRow
from hazardloop.accidents.stats import year_before

COUNTS = (
    "accidents",
    "accident_deaths",
    "accident_serious_injuries",
    "accidents_last_year",
    "accident_deaths_last_year",
    "accident_serious_injuries_last_year",
)


def rates(c: dict) -> dict:
    """What the counts `c` (one row's, or summed) say."""
    figures = AccidentRow(
        "",
        "",
        accidents=c["accidents"],
        deaths=c["accident_deaths"],
        last_accidents=c["accidents_last_year"],
        last_deaths=c["accident_deaths_last_year"],
    )
    return {
        # counts, not rates: a map and a ranking may show them (fewer is better)
        "accidents": c["accidents"],
        "accident_deaths": c["accident_deaths"],
        "accidents_change": figures.accidents_change,
        "accident_deaths_change": figures.deaths_change,
        "accidents_both_down": figures.both_down,
    }


def count(q, period_bounds) -> None:
    """Add the counts to the rows of `q` (reports.stats._Query). Accidents are few (a province
    has hundreds a year): counted from their own table on its (region_code, occurred_at) index,
    on both paths, both periods in one query."""
    lo, hi = period_bounds(year_before(q.start), year_before(q.end))
    periods = {"": Q(occurred_at__gte=q.lo, occurred_at__lt=q.hi)}
    periods["_last_year"] = Q(occurred_at__gte=lo, occurred_at__lt=hi)
    accidents = q.scope.filter(Accident.objects.filter(q.inside), "region_code", "unit")
    accidents = accidents.filter(periods[""] | periods["_last_year"])
    sums = {}
    for suffix, when in periods.items():
        sums[f"accidents{suffix}"] = Count("pk", filter=when)
        sums[f"accident_deaths{suffix}"] = Sum("deaths", filter=when)
        sums[f"accident_serious_injuries{suffix}"] = Sum("serious_injuries", filter=when)
    for row in q.keyed(accidents).annotate(**sums).values("key", *sums):
        for name in sums:
            q.add(row["key"], name, row[name])
