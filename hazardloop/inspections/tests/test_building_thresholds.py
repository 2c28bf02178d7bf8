"""Rates that feed a GB 35181 element only above the limit for the unit's building
(regulations.md §3.4, §12.1): emergency lighting > 30 % in high-rise and underground buildings,
> 50 % elsewhere; stairwell doors > 20 % in a high-rise building with a crowded place, > 50 %
elsewhere. Below the limit a damaged light is still a (general) hazard, feeding no element."""

import pytest

from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import ensure_rules
from hazardloop.inspections.tests.helpers import payload
from hazardloop.testing import api_client, make_unit

pytestmark = pytest.mark.django_db
LIGHTS, DOORS = "gb35181-2017:7.3.6", "gb35181-2017:7.3.7"


def _rate(code, ref, over, status="verified"):
    return item(
        code,
        "number",
        number_max=0,
        number_unit="%",
        rule_refs=[ref],
        element_limits=[{"ref": ref, "over": over, "status": status}],
    )


@pytest.fixture
def version(db):
    ensure_rules()
    items = [
        _rate("L", LIGHTS, {"high_rise_or_underground": 30, "other": 50}),
        _rate("D", DOORS, {"high_rise_crowded": 20, "other": 50}),
        _rate("U", LIGHTS, {"other": 50}, status="unverified"),
    ]
    return make_template(code="rates", items=items).versions.get(is_current=True)


def _fed(cast, version, unit, code, value):
    """The refs of the hazard a rate of `value` raises at `unit` (None: no hazard)."""
    body = payload(cast, version, unit=unit)
    body["answers"] = [
        {"code": c, "number": str(value) if c == code else "0"} for c in ("L", "D", "U")
    ]
    response = api_client(cast.inspector).post(
        "/api/v1/inspections", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    answer = next(a for a in response.json()["answers"] if a["code"] == code)
    if answer["hazard_id"] is None:
        return None
    return Hazard.objects.get(pk=answer["hazard_id"]).rule_refs


@pytest.mark.parametrize(
    ("building", "value", "fed"),
    [
        ({"is_high_rise": True}, 30, False),
        ({"is_high_rise": True}, 30.1, True),
        ({"is_underground": True}, 30, False),
        ({"is_underground": True}, 31, True),
        ({}, 31, False),
        ({}, 50, False),
        ({}, 50.5, True),
    ],
)
def test_emergency_lighting_by_building(cast, version, building, value, fed):
    unit = make_unit(sector="catering", **building)
    refs = _fed(cast, version, unit, "L", value)
    assert refs == ([LIGHTS] if fed else [])  # a hazard either way: any damage fails


@pytest.mark.parametrize(
    ("sector", "building", "value", "fed"),
    [
        ("catering", {"is_high_rise": True}, 20, False),  # high-rise with a crowded place
        ("catering", {"is_high_rise": True}, 21, True),
        ("other", {"is_high_rise": True}, 21, False),  # high-rise, no crowded place: 50 %
        ("other", {"is_high_rise": True}, 51, True),
        ("catering", {}, 21, False),
        ("catering", {}, 50, False),
        ("catering", {}, 51, True),
    ],
)
def test_stairwell_doors_by_building(cast, version, sector, building, value, fed):
    unit = make_unit(sector=sector, **building)
    assert _fed(cast, version, unit, "D", value) == ([DOORS] if fed else [])


def test_nothing_broken_is_no_hazard_and_an_unverified_limit_maps_nothing(cast, version):
    unit = make_unit(sector="catering", is_high_rise=True)
    assert _fed(cast, version, unit, "L", 0) is None
    assert _fed(cast, version, unit, "U", 100) == []


def test_the_builtin_items_ask_for_the_rate(cast):
    from hazardloop.checklists.models import ChecklistItem
    from hazardloop.checklists.services import load_builtin_templates

    load_builtin_templates()
    items = ChecklistItem.objects.filter(
        version__is_current=True, version__template__region_code=""
    )
    for code in ("R20", "L05", "C7.3.6"):
        lights = items.get(
            code=code,
            version__template__code__in=[
                "restaurant-gas",
                "fire-life-channels",
                "gb35181-2017-elements",
            ],
        )
        assert lights.answer_type == "number" and lights.element_limits[0]["over"] == {
            "high_rise_or_underground": 30,
            "other": 50,
        }
    for code in ("L06A", "C7.3.7"):
        doors = items.get(code=code)
        assert doors.element_limits[0]["over"] == {"high_rise_crowded": 20, "other": 50}
    assert items.get(code="C7.2.2").element_limits[0]["over"] == {"other": 50}
