"""The unit risk formula (docs/units.md explains it): points from the record, then thresholds.

Every weight and threshold comes from settings.UNIT_RISK, so that a province can tune them
without a code change; the defaults below are this project's own judgement, not a regulation.
"""

from dataclasses import dataclass

from django.conf import settings

from hazardloop.units.choices import RISK_RANK, GasUse, RiskLevel

DEFAULT_RULES = {
    "flags": {"fire_key_unit": 20, "crowded_place": 15, "public_gathering": 10},
    "gas_use": {
        GasUse.NONE: 0,
        GasUse.PIPELINE: 10,
        GasUse.BOTTLED_LPG: 20,
        GasUse.ALCOHOL_FUEL: 20,
        GasUse.BIOMASS: 10,
    },
    # Stored LPG above this many kg needs a dedicated cylinder room (regulations.md §4.4, V-2).
    "lpg_high_kg": 100,
    "lpg_high_points": 15,
    "sector": {
        "hazchem": 45,
        "mining": 45,
        "gas_supply": 35,
        "construction": 25,
        "entertainment": 10,
        "lodging": 5,
        "catering": 5,
    },
    # Hazard history: points per open hazard (general / major) and per overdue one, capped.
    "open_hazard_points": 3,
    "open_major_hazard_points": 25,
    "overdue_hazard_points": 5,
    "hazard_history_cap": 50,
    # The unit's own duties (61号令 patrols, inspections, training, drills) lapsed over the
    # counted period (settings.DUTY_LAPSED_DAYS): points per lapsed duty, capped.
    "lapsed_duty_points": 2,
    "lapsed_duty_cap": 20,
    # Lowest score of each level, most severe first.
    "thresholds": [(RiskLevel.RED, 70), (RiskLevel.ORANGE, 45), (RiskLevel.YELLOW, 25)],
    # An open major hazard makes the unit at least this level.
    "major_hazard_floor": RiskLevel.ORANGE,
}


def rules() -> dict:
    configured = getattr(settings, "UNIT_RISK", None) or {}
    return {**DEFAULT_RULES, **configured}


@dataclass(frozen=True)
class RiskResult:
    score: int
    level: str


def hazard_history_score(
    open_major_hazards: int, open_hazards: int, overdue_hazards: int = 0
) -> int:
    """Points for the unit's hazards: open ones (majors count more) and overdue ones, capped."""
    r = rules()
    points = (
        max(0, open_major_hazards) * r["open_major_hazard_points"]
        + max(0, open_hazards) * r["open_hazard_points"]
        + max(0, overdue_hazards) * r["overdue_hazard_points"]
    )
    return min(points, r["hazard_history_cap"])


def lapsed_duty_score(lapsed_duties: int) -> int:
    """Points for the unit's lapsed duties, capped."""
    r = rules()
    return min(max(0, lapsed_duties or 0) * r["lapsed_duty_points"], r["lapsed_duty_cap"])


def compute(
    *,
    sector_code: str,
    is_fire_key_unit: bool,
    is_crowded_place: bool,
    is_public_gathering: bool,
    gas_use: str,
    lpg_stored_kg: int,
    hazard_history: int = 0,
    has_open_major_hazard: bool = False,
    lapsed_duties: int = 0,
) -> RiskResult:
    """Score and level for one unit's facts. Pure: the same facts always give the same level."""
    r = rules()
    score = r["sector"].get(sector_code, 0)
    score += r["flags"]["fire_key_unit"] if is_fire_key_unit else 0
    score += r["flags"]["crowded_place"] if is_crowded_place else 0
    score += r["flags"]["public_gathering"] if is_public_gathering else 0
    score += r["gas_use"].get(gas_use, 0)
    if gas_use == GasUse.BOTTLED_LPG and (lpg_stored_kg or 0) > r["lpg_high_kg"]:
        score += r["lpg_high_points"]
    score += hazard_history
    score += lapsed_duty_score(lapsed_duties)
    level = RiskLevel.BLUE
    for candidate, minimum in r["thresholds"]:
        if score >= minimum:
            level = candidate
            break
    floor = r["major_hazard_floor"]
    if has_open_major_hazard and RISK_RANK[RiskLevel(floor)] > RISK_RANK[RiskLevel(level)]:
        level = RiskLevel(floor)
    return RiskResult(score=score, level=RiskLevel(level).value)


def compute_for(unit) -> RiskResult:
    return compute(
        sector_code=unit.sector_id,
        is_fire_key_unit=unit.is_fire_key_unit,
        is_crowded_place=unit.is_crowded_place,
        is_public_gathering=unit.is_public_gathering,
        gas_use=unit.gas_use,
        lpg_stored_kg=unit.lpg_stored_kg,
        hazard_history=hazard_history_score(
            unit.open_major_hazards, unit.open_hazards, unit.overdue_hazards
        ),
        has_open_major_hazard=unit.open_major_hazards > 0,
        lapsed_duties=unit.lapsed_duties,
    )
