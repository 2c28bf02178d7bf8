"""Builders for the supervision tests: hazards made through hazards.services, in the past."""

import datetime as dt
import zoneinfo

import time_machine

from hazardloop.hazards.choices import Category, Grade, Source
from hazardloop.hazards.services import create_hazard, order_hazard
from hazardloop.regions.choices import DepartmentKind
from hazardloop.testing import HOME, make_department

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def departments() -> dict:
    """The issuing departments of Nanguan with their prefixes, as the demo has them."""
    fire = make_department(HOME, DepartmentKind.FIRE)
    fire.doc_prefix = "长南消限字"
    fire.save(update_fields=["doc_prefix"])
    office = make_department(HOME, DepartmentKind.SAFETY_COMMITTEE)
    city_office = make_department("220100", DepartmentKind.SAFETY_COMMITTEE)
    commerce = make_department(HOME, DepartmentKind.COMMERCE)
    commerce.sectors.add("catering")
    return {"fire": fire, "office": office, "city_office": city_office, "commerce": commerce}


def make_hazard(
    cast,
    *,
    unit=None,
    grade=Grade.GENERAL,
    found=None,
    due=None,
    title="疏散通道堵塞",
    description="后厨通往安全出口的疏散通道堆放杂物",
    category=Category.EVACUATION,
    ordered=True,
):
    """A hazard found (and ordered) at `found`, due at `due`, made with the real services."""
    found = found or at(2026, 3, 2)
    unit = unit or cast.unit
    actor = cast.inspector if unit.region_id == HOME else cast.neighbour_inspector
    with time_machine.travel(found, tick=False):
        hazard = create_hazard(
            unit,
            actor=actor,
            source=Source.INSPECTION,
            description=description,
            title=title,
            category=category,
            default_grade=grade,
            legal_basis="《中华人民共和国消防法》第二十八条",
        )
        if ordered:
            order_hazard(hazard, actor=actor, due_at=due or found + dt.timedelta(days=10))
    hazard.refresh_from_db()
    return hazard
