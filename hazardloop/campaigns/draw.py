"""The double-random draw (双随机): pure functions, re-producible from the recorded seed.

Given the frozen pools (unit ids; inspector ids with their home region codes), the seed and the
parameters, `run_draw` always returns the same result: Python's `random.Random` seeded with a
string is deterministic across runs and machines (seed version 2, SHA-512 of the string).
"""

import random
import secrets

from hazardloop.regions import codes


class DrawError(ValueError):
    """The pools cannot satisfy the draw (e.g. too few eligible inspectors for a unit)."""


def new_seed() -> str:
    return secrets.token_hex(8)


def township(code: str) -> str | None:
    """The township part of a region code, when the code is a township or below."""
    return codes.ancestor_at(code, codes.TOWNSHIP)


def run_draw(
    unit_pool: list[list],
    inspector_pool: list[list],
    *,
    seed: str,
    unit_count: int,
    inspectors_per_unit: int,
    exclude_same_township: bool,
) -> list[dict]:
    """Draw `unit_count` units and, for each, `inspectors_per_unit` inspectors.

    unit_pool: [[unit id, region code], ...]; inspector_pool: [[user id, home region code], ...].
    With `exclude_same_township`, an inspector whose home township is the unit's is not drawn
    for that unit.
    """
    units = sorted((int(u), str(c)) for u, c in unit_pool)
    people = sorted((int(u), str(c)) for u, c in inspector_pool)
    if unit_count > len(units):
        raise DrawError(f"only {len(units)} units")
    rng = random.Random(f"hazardloop-draw:{seed}")
    result = []
    for unit_id, code in rng.sample(units, unit_count):
        home = township(code)
        eligible = [
            pid
            for pid, pcode in people
            if not (exclude_same_township and home and township(pcode) == home)
        ]
        if len(eligible) < inspectors_per_unit:
            raise DrawError(f"unit {unit_id}: only {len(eligible)} eligible inspectors")
        result.append(
            {"unit": unit_id, "inspectors": sorted(rng.sample(eligible, inspectors_per_unit))}
        )
    return result
