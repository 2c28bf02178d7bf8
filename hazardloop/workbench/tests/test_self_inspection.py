"""A unit account starts a self-inspection with its own unit and the self-inspection mode already
chosen (no other mode offered); others choose among every mode, and a mode asked for in the
address applies."""

import json
import re

import pytest

from hazardloop.testing import web_client

pytestmark = pytest.mark.django_db


def _boot(client, url: str) -> dict:
    page = client.get(url).content.decode()
    found = re.search(r'<script id="hl-boot" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_a_unit_account_self_inspects_its_own_unit(cast):
    boot = _boot(web_client(cast.unit_manager), "/inspections/new/")
    assert [m["value"] for m in boot["modes"]] == ["self_inspection"]
    assert boot["mode"] == "self_inspection"
    assert boot["unit"]["id"] == cast.unit.pk and boot["unit"]["sector"] == cast.unit.sector_id
    # Another mode asked for in the address is not offered to a unit's own people.
    boot = _boot(web_client(cast.unit_manager), "/inspections/new/?mode=routine")
    assert boot["mode"] == "self_inspection" and len(boot["modes"]) == 1


def test_department_staff_choose_the_mode(cast):
    client = web_client(cast.inspector)
    boot = _boot(client, "/inspections/new/")
    assert boot["mode"] == "routine" and len(boot["modes"]) > 1 and boot["unit"] is None
    assert not boot["mode_asked"]
    boot = _boot(client, f"/inspections/new/?unit={cast.unit.pk}&mode=patrol")
    assert boot["mode"] == "patrol" and boot["mode_asked"]
    assert _boot(client, "/inspections/new/?campaign=7")["mode"] == "campaign"
