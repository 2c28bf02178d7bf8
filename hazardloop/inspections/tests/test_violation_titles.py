"""Hazards raised from a failed item are titled with its violation wording (regulations.md §12.6),
and those titled before the wording existed are renamed by the data migration."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from hazardloop.checklists.basis import UNVERIFIED_MARK
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import payload, template_and_version

pytestmark = pytest.mark.django_db

backfill = importlib.import_module(
    "hazardloop.inspections.migrations.0002_hazard_titles_state_the_violation"
)


def _submit(cast, **template):
    _t, version = template_and_version(**template)
    with translation.override("en"):
        inspection = submit_inspection(
            payload(cast, version), actor=cast.inspector, unit=cast.unit, version=version
        )[0]
    return inspection, Hazard.objects.filter(source_ref__startswith=f"inspection:{inspection.pk}/")


def test_a_failed_item_raises_a_hazard_titled_with_the_violation(cast):
    _inspection, hazards = _submit(cast)
    a1 = hazards.get(source_ref__endswith="/item:A1")
    assert a1.title == "测试违法情形A1"
    assert a1.description.splitlines()[0] == "测试违法情形A1"
    assert "测试检查项A1" not in a1.description  # the requirement is not the finding
    assert "安全出口上锁" in a1.description  # the inspector's note stays
    # A measurement is recorded in Chinese whatever the interface language (notices print it).
    a2 = hazards.get(source_ref__endswith="/item:A2")
    assert a2.description.splitlines()[1].startswith("实测：2.5")


def test_an_unverified_basis_is_marked_on_the_hazard(cast):
    from hazardloop.checklists.tests.factories import item

    _inspection, hazards = _submit(
        cast,
        items=[
            item("A1", legal_basis="《消防法》第二十八条", basis_status="secondary"),
            item("A2", "number", number_max=2),
            item("A3", "text"),
            item("A4", "photo"),
            item("A5"),
        ],
    )
    assert hazards.get(source_ref__endswith="/item:A1").legal_basis == (
        "《消防法》第二十八条" + UNVERIFIED_MARK
    )
    assert hazards.get(source_ref__endswith="/item:A2").legal_basis == "《消防法》第二十八条"


def test_migration_renames_hazards_titled_with_the_requirement(cast):
    _inspection, hazards = _submit(cast)
    a1 = hazards.get(source_ref__endswith="/item:A1")
    # As the code titled it before 2026-12-04.
    Hazard.objects.filter(pk=a1.pk).update(
        title="不符合要求：测试检查项A1",
        description="测试检查项A1\n安全出口上锁",
        legal_basis="《消防法》第二十八条",
    )
    renamed_by_hand = hazards.get(source_ref__endswith="/item:A2")
    Hazard.objects.filter(pk=renamed_by_hand.pk).update(title="软管过长（现场改写）")
    backfill.forwards(apps, None)
    a1.refresh_from_db()
    assert a1.title == "测试违法情形A1"
    assert a1.description == "测试违法情形A1\n安全出口上锁"
    assert Hazard.objects.get(pk=renamed_by_hand.pk).title == "软管过长（现场改写）"
