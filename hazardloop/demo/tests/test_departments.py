import pytest

from hazardloop.demo.departments import load_departments
from hazardloop.regions.models import Department

pytestmark = pytest.mark.django_db


def test_every_region_gets_its_departments_with_unique_document_prefixes(reference_data):
    created = load_departments()
    assert created == Department.objects.count() > 800
    assert load_departments() == 0  # idempotent
    nanguan_fire = Department.objects.get(region_id="220102", kind="fire")
    assert nanguan_fire.doc_prefix == "长春南关消限字"
    assert nanguan_fire.name_zh == "南关区消防救援大队"
    assert list(nanguan_fire.sectors.all()) == []  # comprehensive supervision
    commerce = Department.objects.get(region_id="220100", kind="commerce")
    assert {s.code for s in commerce.sectors.all()} == {"catering", "lodging", "retail"}
    prefixes = [p for p in Department.objects.values_list("doc_prefix", flat=True) if p]
    assert len(prefixes) == len(set(prefixes)), "two departments would number documents alike"
