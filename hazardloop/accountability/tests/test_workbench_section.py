"""The workbench's list of proposals to decide: regulators and leaders over the case's region,
nobody else; counted in the menu's to-do count; gone once decided."""

import pytest

from hazardloop.accountability import services
from hazardloop.accountability.tests.factories import proposal
from hazardloop.testing import api_client
from hazardloop.workbench.todo import todo_count, workbench

pytestmark = pytest.mark.django_db

KEY = "accountability_proposals"


def _sections(user):
    return {(g.key, s.key): s for g in workbench(user) for s in g.sections}


def test_regulators_and_leaders_see_the_proposal(cast):
    case = proposal(cast)
    for member, group in [
        ("regulator", "office"),
        ("city_regulator", "office"),
        ("admin", "office"),
        ("leader", "leader"),
    ]:
        section = _sections(getattr(cast, member))[(group, KEY)]
        assert [i.id for i in section.items] == [case.pk], member
        assert section.count == 1 and section.items[0].url == f"/accountability/{case.pk}/"
    # The neighbour's office has the list, without Nanguan's case.
    assert _sections(cast.neighbour_regulator)[("office", KEY)].count == 0
    for member in ("inspector", "duty_officer", "expert", "unit_manager"):
        assert not any(k == KEY for _g, k in _sections(getattr(cast, member))), member


def test_counted_until_decided(cast):
    before = todo_count(cast.leader)
    case = proposal(cast)
    assert todo_count(cast.leader) == before + 1
    services.transition(case, "dismiss", actor=cast.regulator, note="不予问责")
    assert todo_count(cast.leader) == before
    assert _sections(cast.regulator)[("office", KEY)].items == []


def test_the_todo_api_lists_it(cast):
    case = proposal(cast)
    body = api_client(cast.leader).get("/api/v1/me/todo").json()
    leader = next(g for g in body["groups"] if g["key"] == "leader")
    section = next(s for s in leader["sections"] if s["key"] == KEY)
    assert section["items"][0]["id"] == case.pk and section["actionable"] is True
