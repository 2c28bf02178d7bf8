"""LPG in a restaurant's basement (regulations.md §12.2): the restaurant is graded by the
user-side rules (GB 35181-2017 §6.8 at a crowded place); the gas supplier's Art. 9 duty is
recorded with the finding, never graded at the restaurant."""

import pytest

from hazardloop.checklists.services import load_builtin_templates
from hazardloop.checklists.tests.factories import item, make_template
from hazardloop.hazards.models import Hazard
from hazardloop.hazards.tests.helpers import ensure_rules
from hazardloop.inspections.tests.helpers import payload, photo
from hazardloop.testing import api_client

pytestmark = pytest.mark.django_db
SUPPLIER = "燃气经营者未书面告知用户整改的，为燃气经营者的重大隐患（第九条第（一）项）"


def test_the_restaurant_is_graded_by_user_side_rules_and_the_supplier_duty_recorded(cast):
    ensure_rules()
    basement = item(
        "B1",
        photo_on_fail=True,
        default_grade="general",
        # even an item that names the supplier's element grades nothing with it here
        rule_refs=["gb35181-2017:6.8", "city_gas-2023:9.1"],
        other_duty_zh=SUPPLIER,
    )
    version = make_template(code="basement", items=[basement]).versions.get(is_current=True)
    body = payload(cast, version, device_time="2022-10-08T10:00:00+08:00")
    body["answers"] = [{"code": "B1", "result": "fail", "photo_ids": [photo(cast).pk]}]
    response = api_client(cast.inspector).post(
        "/api/v1/inspections", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    hazard = Hazard.objects.get(pk=response.json()["answers"][0]["hazard_id"])
    assert hazard.rule_refs == ["gb35181-2017:6.8"]
    assert hazard.grade == "major" and "6.8" in hazard.grade_reason
    assert "city_gas" not in hazard.grade_reason
    assert f"另涉及其他责任主体：{SUPPLIER}" in hazard.description


def test_the_builtin_restaurant_items_record_the_suppliers_art_9_duty(cast):
    load_builtin_templates()
    from hazardloop.checklists.models import ChecklistItem

    items = ChecklistItem.objects.filter(
        version__is_current=True, version__template__code="restaurant-gas"
    )
    r10, r09 = items.get(code="R10"), items.get(code="R09")
    assert "第九条第（一）项" in r10.other_duty_zh and "第九条第（四）项" in r09.other_duty_zh
    assert not any(r.startswith("city_gas") for i in items for r in i.rule_refs)
