"""The rule sets and a unit's grading exclusions as the major-hazard grading reads them
(hazards/grading.py): which set of a family is in force on a date, the last one known before
it, a family's sets by edition, a unit's exclusions in effect."""

import datetime as dt

from hazardloop.hazards.models import GradingExclusion, RuleSet


class GradingLookups:
    """The rule sets and a unit's exclusions as grading reads them, each read from the database
    once.

    Grading a unit's open hazards again (`redetermine_unit`, after every inspection with a
    failed fire item) determines each of them with the same rule sets and exclusions. With one
    `GradingLookups` for the change, that is one query for the rule sets of the families named
    and one for the unit's exclusions, however many hazards the unit has (three or four
    queries per hazard before). A family has few rule sets (one row per edition and version):
    they are read whole and chosen here. Rule sets and exclusions do not change while one
    `GradingLookups` serves a change.
    """

    def __init__(self):
        self._families: dict[str, list[RuleSet]] = {}
        self._exclusions: dict[tuple[int, dt.date], list[GradingExclusion]] = {}

    def rule_sets(self, families) -> dict[str, list[RuleSet]]:
        """family → its rule sets, oldest first (by `valid_from`)."""
        families = list(families)
        missing = sorted(set(families) - set(self._families))
        if missing:
            for family in missing:
                self._families[family] = []
            for row in RuleSet.objects.filter(family__in=missing).order_by("valid_from", "id"):
                self._families[row.family].append(row)
        return {family: self._families[family] for family in families}

    def in_force(self, families, on_date: dt.date) -> dict[str, RuleSet]:
        """The rule set in force on on_date for each family (the newest one starting by then)."""
        chosen: dict[str, RuleSet] = {}
        for family, rows in self.rule_sets(families).items():
            for row in rows:
                if row.valid_from <= on_date and (row.valid_to is None or row.valid_to >= on_date):
                    chosen[family] = row
        return chosen

    def last_known(self, family: str, on_date: dt.date) -> RuleSet | None:
        """The family's rule set in force on on_date, else the newest one that began before
        it."""
        rows = [r for r in self.rule_sets([family])[family] if r.valid_from <= on_date]
        in_force = [r for r in rows if r.valid_to is None or r.valid_to >= on_date]
        pool = in_force or rows
        return max(pool, key=lambda r: r.valid_from) if pool else None

    def editions(self, family: str) -> dict[str, RuleSet]:
        """The family's rule sets by edition (the newest version of each)."""
        return {row.edition: row for row in self.rule_sets([family])[family]}

    def by_code(self, code: str) -> RuleSet | None:
        """The rule set with this code: one already read (the set a determination named),
        else read now; None for no code."""
        if not code:
            return None
        for rows in self._families.values():
            for row in rows:
                if row.code == code:
                    return row
        return RuleSet.objects.filter(code=code).first()

    def exclusions(self, unit, families, on_date: dt.date) -> list[GradingExclusion]:
        """The unit's exclusions of these families in effect on on_date: each excuses one
        element (and location)."""
        key = (unit.pk, on_date)
        rows = self._exclusions.get(key)
        if rows is None:
            rows = self._exclusions[key] = list(
                GradingExclusion.objects.filter(
                    unit_id=unit.pk,
                    ended_at__isnull=True,
                    valid_from__lte=on_date,
                    valid_until__gte=on_date,
                )
                .exclude(element="")
                .order_by("pk")
            )
        wanted = set(families)
        return [e for e in rows if e.family in wanted]
