"""The progress table and a draw's result as .xlsx: scoped like their pages, headers in the
page's language, and names that look like formulas arrive as text."""

import io

from openpyxl import load_workbook

from hazardloop.campaigns import drawing, services
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.testing import web_client

HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def _cells(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.worksheets[0].iter_rows()]


def test_draw_export_keeps_hostile_names_as_text(cast):
    cast.unit.name = HOSTILE + "\x0b"
    cast.unit.save(update_fields=["name"])
    cast.other_unit.name = "@SUM(1+1)"
    cast.other_unit.save(update_fields=["name"])
    for user in (cast.inspector, cast.neighbour_inspector):
        user.display_name = "+cmd|' /C calc'!A0"
        user.save(update_fields=["display_name"])
    campaign = make_campaign(cast.regulator, title="南关国庆专项整治")
    draw = drawing.draw_units(
        campaign,
        actor=cast.regulator,
        unit_count=2,
        inspectors_per_unit=1,
        exclude_same_township=False,
        seed="hostile",
    )
    client = web_client(cast.regulator)
    rows = _cells(
        client.get(f"/campaigns/draws/{draw.pk}/result.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans")
    )
    assert [c.value for c in rows[0]] == ["单位", "地区", "检查人员"]
    names = {row[0].value for row in rows[1:]}
    assert names == {HOSTILE, "@SUM(1+1)"}  # the vertical tab dropped, nothing else changed
    for row in rows[1:]:
        for cell in row:
            assert cell.data_type == "s", (cell.value, cell.data_type)
    english = _cells(
        client.get(f"/campaigns/draws/{draw.pk}/result.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert [c.value for c in english[0]] == ["Unit", "Region", "Inspectors"]


def test_progress_export_is_the_page_table_in_scope(cast):
    campaign = make_campaign(cast.regulator, title="南关国庆专项整治")
    services.generate_tasks(campaign, actor=cast.regulator, due_on=campaign.ends_on)
    rows = _cells(
        web_client(cast.regulator).get(
            f"/campaigns/{campaign.pk}/progress.xlsx", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    )
    assert rows[0][0].value == "地区"
    assert rows[-1][0].value == "合计"
    tasks = campaign.tasks.count()
    assert tasks and rows[-1][3].value == tasks
    assert sum(r[3].value for r in rows[1:-1]) == tasks
    # A unit's own people never see the plan; the neighbours not this campaign.
    assert (
        web_client(cast.unit_manager).get(f"/campaigns/{campaign.pk}/progress.xlsx").status_code
        == 404
    )
    assert (
        web_client(cast.neighbour_regulator)
        .get(f"/campaigns/{campaign.pk}/progress.xlsx")
        .status_code
        == 404
    )
