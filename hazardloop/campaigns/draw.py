"""The double-random draw (双随机): pure functions, re-producible from the recorded seed.

The pools are frozen in the `RandomDraw` row:

- units: ``[[unit id, region code, sector code], ...]``;
- inspectors: ``[[user id, home region code, coverage, conflicts], ...]``. *Coverage* is
  ``[[region prefix, [sector codes]], ...]``, one pair per department membership that lets the
  person inspect: the prefix of the membership's region (its subtree is their scope) and the
  sectors their department supervises (empty: every sector). *Conflicts* are the ids of the units
  the person belongs to (a unit membership).

A person is *eligible* for a unit when one coverage pair contains the unit's region and sector,
the unit is not among their conflicts and, with `exclude_same_township`, their home township is
not the unit's. Rows recorded before coverage was kept (two items) cover every unit.

A unit with fewer eligible people than `inspectors_per_unit` cannot be drawn. Such units are set
aside before the random choice (`undrawable`), so what can be drawn never depends on the seed:
drawing again with another seed cannot change who is left out.

Given the pools, the seed and the parameters, `run_draw` always returns the same result:
Python's `random.Random` seeded with a string is deterministic across runs and machines (seed
version 2, SHA-512 of the string).
"""

import random
import secrets
from dataclasses import dataclass

from hazardloop.regions import codes


class DrawError(ValueError):
    """Fewer units can be drawn than were asked for (too few eligible inspectors)."""

    def __init__(self, *, wanted: int, drawable: int, total: int):
        super().__init__(f"{drawable} of {total} units drawable, {wanted} wanted")
        self.wanted, self.drawable, self.total = wanted, drawable, total


def new_seed() -> str:
    return secrets.token_hex(8)


def township(code: str) -> str | None:
    """The township part of a region code, when the code is a township or below."""
    return codes.ancestor_at(code, codes.TOWNSHIP)


@dataclass(frozen=True)
class PoolUnit:
    id: int
    region_code: str
    sector: str | None  # None: recorded before sectors were kept


@dataclass(frozen=True)
class PoolPerson:
    id: int
    home: str
    coverage: tuple[tuple[str, frozenset[str]], ...] | None  # None: covers every unit
    conflicts: frozenset[int]

    def covers(self, unit: PoolUnit) -> bool:
        if unit.id in self.conflicts:
            return False
        if self.coverage is None:
            return True
        return any(
            unit.region_code.startswith(prefix)
            and (not sectors or unit.sector is None or unit.sector in sectors)
            for prefix, sectors in self.coverage
        )


def read_units(unit_pool: list[list]) -> list[PoolUnit]:
    """The recorded unit pool, in id order."""
    return sorted(
        (
            PoolUnit(int(row[0]), str(row[1]), str(row[2]) if len(row) > 2 else None)
            for row in unit_pool
        ),
        key=lambda u: (u.id, u.region_code),
    )


def read_people(inspector_pool: list[list]) -> list[PoolPerson]:
    """The recorded inspector pool, in id order."""
    people = []
    for row in inspector_pool:
        coverage = None
        if len(row) > 2:
            coverage = tuple(
                (str(prefix), frozenset(str(s) for s in sectors)) for prefix, sectors in row[2]
            )
        conflicts = frozenset(int(u) for u in row[3]) if len(row) > 3 else frozenset()
        people.append(PoolPerson(int(row[0]), str(row[1]), coverage, conflicts))
    return sorted(people, key=lambda p: (p.id, p.home))


def _same_township(person: PoolPerson, unit: PoolUnit) -> bool:
    home = township(unit.region_code)
    return bool(home) and township(person.home) == home


def eligible(
    units: list[PoolUnit], people: list[PoolPerson], *, exclude_same_township: bool
) -> dict[int, list[int]]:
    """Unit id → the ids of the people eligible for it (in pool order)."""
    return {
        unit.id: [
            p.id
            for p in people
            if p.covers(unit) and not (exclude_same_township and _same_township(p, unit))
        ]
        for unit in units
    }


def undrawable(
    unit_pool: list[list],
    inspector_pool: list[list],
    *,
    inspectors_per_unit: int,
    exclude_same_township: bool,
) -> dict[int, int]:
    """Unit id → how many people are eligible, for the units that cannot be drawn."""
    found = eligible(
        read_units(unit_pool),
        read_people(inspector_pool),
        exclude_same_township=exclude_same_township,
    )
    return {u: len(ids) for u, ids in found.items() if len(ids) < inspectors_per_unit}


def run_draw(
    unit_pool: list[list],
    inspector_pool: list[list],
    *,
    seed: str,
    unit_count: int,
    inspectors_per_unit: int,
    exclude_same_township: bool,
) -> list[dict]:
    """Draw `unit_count` of the drawable units and, for each, `inspectors_per_unit` of the
    people eligible for it. DrawError when fewer units can be drawn than asked for."""
    units = read_units(unit_pool)
    found = eligible(
        units, read_people(inspector_pool), exclude_same_township=exclude_same_township
    )
    drawable = [u for u in units if len(found[u.id]) >= inspectors_per_unit]
    if unit_count > len(drawable):
        raise DrawError(wanted=unit_count, drawable=len(drawable), total=len(units))
    rng = random.Random(f"hazardloop-draw:{seed}")
    return [
        {"unit": unit.id, "inspectors": sorted(rng.sample(found[unit.id], inspectors_per_unit))}
        for unit in rng.sample(drawable, unit_count)
    ]
