"""A campaign's progress rows add up to its totals: a county without townships totals its own
units, and units at a parent's own code appear in a "directly under" row."""

import pytest

from hazardloop.campaigns import services
from hazardloop.campaigns.models import InspectionTask
from hazardloop.campaigns.progress import progress
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.regions.models import Region
from hazardloop.testing import make_unit

pytestmark = pytest.mark.django_db


def _adds_up(data):
    for key, total in data["totals"].items():
        assert sum(r[key] for r in data["rows"]) == total, key


def test_a_county_without_townships_totals_its_own_units(cast):
    campaign = make_campaign(cast.regulator, region_code="220102")
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    data = progress(cast.regulator, campaign)
    assert [r["own"] for r in data["rows"]] == [True]
    assert data["rows"][0]["name"].startswith("南关区")
    assert data["totals"]["units_in_scope"] == 2  # the cast's two Nanguan units
    assert data["totals"]["tasks"] == InspectionTask.objects.filter(campaign=campaign).count() == 2
    _adds_up(data)


def test_units_at_the_parents_own_code_get_a_directly_under_row(cast):
    Region.objects.create(
        code="220102001", parent_id="220102", level="township", name_zh="永长街道"
    )
    make_unit("220102001", name="永长街道饭店")
    campaign = make_campaign(cast.regulator, region_code="220102")
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    data = progress(cast.regulator, campaign)
    by_code = {r["code"]: r for r in data["rows"]}
    assert by_code["220102001"]["units_in_scope"] == 1
    assert by_code["220102"]["own"] and by_code["220102"]["units_in_scope"] == 2
    assert data["totals"]["units_in_scope"] == 3 and data["totals"]["tasks"] == 3
    _adds_up(data)


def test_the_province_campaign_rows_add_up(cast):
    campaign = make_campaign(cast.province_regulator, region_code="220000")
    make_unit("220100", name="市本级单位")  # filed at the prefecture's own code
    data = progress(cast.province_regulator, campaign)
    assert not any(r["own"] for r in data["rows"])  # all units sit under a prefecture row
    changchun = next(r for r in data["rows"] if r["code"] == "220100")
    assert changchun["units_in_scope"] == 4  # Nanguan 2, Kuancheng 1, the city level 1
    _adds_up(data)
