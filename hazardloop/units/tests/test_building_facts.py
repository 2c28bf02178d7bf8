"""The building facts some GB 35181 thresholds depend on (high-rise, underground) and the
important-place designation (GB 35181-2017 §3.6): form, API, import and export."""

import pytest

from hazardloop.testing import api_client
from hazardloop.units.exports import FLAG_FIELDS
from hazardloop.units.forms import REGULATOR_ONLY, UnitForm
from hazardloop.units.importing.columns import field_for_header
from hazardloop.units.importing.rows import Lookups, RowChecker
from hazardloop.units.models import Unit
from hazardloop.units.tests.helpers import code

pytestmark = pytest.mark.django_db


def test_the_unit_manager_records_the_building_but_not_the_designation(cast):
    client = api_client(cast.unit_manager)
    url = f"/api/v1/units/{cast.unit.pk}"
    ok = client.patch(
        url, {"is_high_rise": True, "is_underground": True}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["is_high_rise"] and ok.json()["is_underground"]
    assert ok.json()["is_important_place"] is False
    refused = client.patch(url, {"is_important_place": True}, content_type="application/json")
    assert refused.status_code == 403
    unit = Unit.objects.get(pk=cast.unit.pk)
    assert unit.is_high_rise and unit.is_underground and not unit.is_important_place


def test_a_regulator_designates_an_important_place(cast):
    client = api_client(cast.regulator)
    url = f"/api/v1/units/{cast.unit.pk}"
    ok = client.patch(url, {"is_important_place": True}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["is_important_place"] is True
    # A fire-safety key unit is another list: designating one leaves the other alone.
    assert ok.json()["is_fire_key_unit"] is False


def test_the_form_asks_for_the_building_and_the_import_and_export_carry_it(cast):
    form = UnitForm(instance=cast.unit)
    assert {"is_high_rise", "is_underground", "is_important_place"} <= set(form.fields)
    assert "is_important_place" in REGULATOR_ONLY and "is_high_rise" not in REGULATOR_ONLY
    assert {"is_high_rise", "is_underground", "is_important_place"} <= FLAG_FIELDS
    for header, field in (
        ("高层建筑", "is_high_rise"),
        ("地下建筑或场所", "is_underground"),
        ("重要场所", "is_important_place"),
    ):
        assert field_for_header(header) == field
    checker = RowChecker(Lookups())
    row = {"name": "高层饭店", "uscc": code(), "region": "南关区", "sector": "餐饮"}
    data, errors = checker.check({**row, "is_high_rise": "是", "is_underground": "否"})
    assert errors == [] and data["is_high_rise"] is True and data["is_underground"] is False
    _data, errors = checker.check({**row, "is_high_rise": "大概"})
    assert [name for name, _message in errors] == ["is_high_rise"]
