"""Choosing things on the ledger: the free-text filter (page and API) and the unit picker,
which never offers a unit outside the caller's scope."""

import re

import pytest

from hazardloop.hazards.tests.helpers import hazard
from hazardloop.testing import api_client, make_unit, web_client

pytestmark = pytest.mark.django_db


def listed(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/hazards/(\d+)/"', page)}


def test_free_text_finds_title_description_and_unit_name(cast, django_assert_max_num_queries):
    by_title = hazard(cast, title="燃气报警器失效")
    by_text = hazard(cast, title="其他", description="后厨灭火毯缺失")
    by_unit = hazard(cast, unit=cast.other_unit, title="通道")
    hazard(cast, title="无关隐患", description="无关")
    hidden = hazard(cast, unit=cast.neighbour_unit, title="燃气报警器失效")
    client = web_client(cast.regulator)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as plain:
        client.get("/hazards/")
    # The text is a condition of the ledger's one query: no query more than without it.
    with django_assert_max_num_queries(len(plain)):
        page = client.get("/hazards/", {"q": "报警器"}).content.decode()
    assert listed(page) == {by_title.pk}
    assert listed(client.get("/hazards/", {"q": "灭火毯"}).content.decode()) == {by_text.pk}
    found = listed(client.get("/hazards/", {"q": "另一家"}).content.decode())
    assert found == {by_unit.pk}
    # The neighbouring district's regulator finds only their own.
    other = web_client(cast.neighbour_regulator).get("/hazards/", {"q": "报警器"})
    assert listed(other.content.decode()) == {hidden.pk}
    # Over-long text is refused with the form's message, not a 500.
    assert client.get("/hazards/", {"q": "长" * 101}).status_code == 200


def test_api_free_text_is_scoped_and_bounded(cast):
    mine = hazard(cast, title="燃气管道老化")
    hazard(cast, unit=cast.neighbour_unit, title="燃气管道老化")
    client = api_client(cast.regulator)
    response = client.get("/api/v1/hazards", {"q": "管道"})
    assert response.status_code == 200
    assert [h["id"] for h in response.json()["items"]] == [mine.pk]
    assert client.get("/api/v1/hazards", {"q": "长" * 101}).status_code == 422


def test_unit_picker_offers_units_in_scope_only(cast):
    inside = make_unit("220102", name="拣选测试火锅店")
    outside = make_unit(cast.neighbour_unit.region_id, name="拣选测试火锅城")
    page = web_client(cast.regulator).get("/units/pick/", {"field": "unit", "unit-q": "拣选测试"})
    text = page.content.decode()
    assert f'value="{inside.pk}"' in text and outside.name not in text
    assert 'name="unit"' in text
    # The neighbour sees theirs, a unit manager only their own unit, whatever they type.
    text = web_client(cast.neighbour_regulator).get("/units/pick/", {"q": "拣选测试"}).content
    assert outside.name in text.decode() and inside.name not in text.decode()
    manager = web_client(cast.unit_manager)
    assert "拣选测试" not in manager.get("/units/pick/", {"q": "拣选测试"}).content.decode()
    own = manager.get("/units/pick/", {"q": cast.unit.name}).content.decode()
    assert f'value="{cast.unit.pk}"' in own
    # An unknown field name falls back to `unit`; nothing typed offers nothing.
    assert (
        'name="unit"'
        in manager.get("/units/pick/", {"field": "x", "q": cast.unit.name}).content.decode()
    )
    assert "form-check" not in manager.get("/units/pick/").content.decode()


def test_ledger_shows_the_picked_unit_by_name_only_in_scope(cast):
    hazard(cast)
    page = web_client(cast.regulator).get("/hazards/", {"unit": cast.unit.pk}).content.decode()
    assert 'data-testid="unit-picked"' in page and cast.unit.name in page
    page = web_client(cast.regulator).get("/hazards/", {"unit": cast.neighbour_unit.pk})
    assert cast.neighbour_unit.name not in page.content.decode()
