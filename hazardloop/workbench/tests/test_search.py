"""The top bar's search: grouped by kind, each kind only in the caller's scope, both
languages."""

import pytest
from django.utils import translation

from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.services import issue_document
from hazardloop.supervision.tests.helpers import at, departments, make_hazard
from hazardloop.testing import make_unit, web_client

pytestmark = pytest.mark.django_db


def _page(user, q, lang="zh-hans"):
    client = web_client(user)
    client.cookies["django_language"] = lang
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response


def test_units_and_hazards_grouped_and_scoped(cast):
    mine = make_unit("220102", name="搜索测试麻辣烫")
    theirs = make_unit(cast.neighbour_unit.region_id, name="搜索测试麻辣香锅")
    hazard = make_hazard(cast, unit=mine, title="搜索测试燃气泄漏")
    response = _page(cast.regulator, "搜索测试")
    groups = {g.key: g for g in response.context["groups"]}
    assert [title for _, title, _ in groups["units"].rows] == [mine.name]
    assert [url for url, _, _ in groups["hazards"].rows] == [f"/hazards/{hazard.pk}/"]
    body = response.content.decode()
    assert theirs.name not in body and 'data-testid="search-units"' in body
    # The neighbour finds only their own unit, and no hazard.
    other = _page(cast.neighbour_regulator, "搜索测试")
    text = other.content.decode()
    assert theirs.name in text and mine.name not in text and "搜索测试燃气泄漏" not in text
    # A unit manager finds nothing of another unit's.
    assert mine.name not in _page(cast.other_unit_manager, "搜索测试").content.decode()


def test_documents_by_number_in_scope_only(cast):
    hazard = make_hazard(cast)
    with translation.override("zh-hans"):
        doc = issue_document(
            hazard,
            actor=cast.inspector,
            kind=DocumentKind.DEADLINE_ORDER,
            department=departments()["fire"],
            rectify_due_at=at(2099, 12, 31),
        )
    number = doc.number
    found = _page(cast.regulator, number[-6:])
    assert f'href="/documents/{doc.pk}/"' in found.content.decode()
    assert f"/documents/{doc.pk}/" not in _page(cast.neighbour_regulator, number).content.decode()


def test_nothing_found_and_english(cast):
    body = _page(cast.regulator, "没有这样的东西", lang="en").content.decode()
    assert "Nothing in your jurisdiction matches." in body
    body = _page(cast.regulator, "没有这样的东西").content.decode()
    assert "您的管辖范围内没有匹配的结果。" in body
    # Over-long text is cut, never an error.
    assert _page(cast.regulator, "长" * 500).status_code == 200
