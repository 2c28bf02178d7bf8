"""The daily scheduling report agrees with itself: each table in its own rank order, the
"overdue now" figure and the overdue list by the same definition and scope, a county column in
the PDF's lists, places by name in the workbook, and a Chinese footer in the Chinese report."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from hazardloop.checklists.tests.factories import make_template
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.models import Inspection
from hazardloop.regions.models import Region
from hazardloop.reports.models import ReportKind
from hazardloop.reports.scheduling import build_report, generate_report, render_pdf, render_xlsx
from hazardloop.reports.tests.test_region_totals import TOWNSHIP, build

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
DAY = dt.date(2022, 10, 20)
NOW = timezone.make_aware(dt.datetime(2022, 10, 21, 0, 0), TZ)  # the end of the reported day


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf returns fpdf2's two-byte CID codes with a NUL before each character.
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    return "".join(text.split())


def _overdue_found_since(prefix: str, start: dt.date) -> int:
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min), TZ)
    return (
        Hazard.objects.in_region(prefix)
        .filter(found_at__gte=lo, found_at__lt=NOW)
        .overdue(NOW)
        .count()
    )


@pytest.mark.parametrize("townships", [False, True], ids=["no-townships", "townships"])
@pytest.mark.parametrize("code", ["220102", "220100", "220000"])
def test_overdue_figure_and_list_agree(cast, code, townships):
    build(cast, NOW, townships=townships)
    region = Region.objects.get(code=code)
    data = build_report(region, DAY, now=NOW)
    backlog = Hazard.objects.in_region(region.prefix).overdue(NOW)
    found_this_month = _overdue_found_since(region.prefix, DAY.replace(day=1))
    # the data set has overdue hazards found this month and earlier under every level
    assert 0 < found_this_month < backlog.count()
    # the dashboard's figure: overdue among the hazards found in the period
    assert data["cumulative_total"]["overdue"] == found_this_month
    assert sum(r["overdue"] for r in data["cumulative"]) == found_this_month
    # the backlog: the figure, its rows and the list by rung are the same hazards
    assert data["cumulative_total"]["overdue_now"] == backlog.count()
    assert sum(r["overdue_now"] for r in data["cumulative"]) == backlog.count()
    assert sum(data["overdue_counts"].values()) == backlog.count()
    listed = [h["id"] for rows in data["overdue"].values() for h in rows]
    assert sorted(listed) == sorted(backlog.values_list("pk", flat=True))
    for row in data["cumulative"]:
        under = backlog.filter(pk__in=listed)
        if row["own"]:
            mine = [
                h
                for h in under
                if not any(
                    h.region_code.startswith(Region.objects.get(code=r["code"]).prefix)
                    for r in data["cumulative"]
                    if not r["own"]
                )
            ]
            assert row["overdue_now"] == len(mine)
        else:
            prefix = Region.objects.get(code=row["code"]).prefix
            assert row["overdue_now"] == under.filter(region_code__startswith=prefix).count()


def _inspect(unit, when, version, inspector):
    Inspection.objects.create(
        client_id=uuid.uuid4(),
        unit=unit,
        region_code=unit.region_id,
        template_version=version,
        mode="routine",
        inspector=inspector,
        received_at=when,
    )


def test_each_table_is_printed_in_its_own_rank_order(cast):
    """Month to date, Kuancheng covers all its units and Nanguan half; on the day itself,
    Nanguan covers half and Kuancheng none: the two tables rank them the other way round."""
    version = make_template(actor=cast.admin).versions.get(is_current=True)
    _inspect(cast.neighbour_unit, NOW - dt.timedelta(days=5), version, cast.inspector)
    _inspect(cast.unit, NOW - dt.timedelta(hours=3), version, cast.inspector)
    data = build_report(Region.objects.get(code="220100"), DAY, now=NOW)
    period = [(r["name"], r["rank"]) for r in data["period"] if r["rank"] is not None]
    cumulative = [(r["name"], r["rank"]) for r in data["cumulative"] if r["rank"] is not None]
    assert period == [("南关区", 1), ("宽城区", 2)]
    assert cumulative == [("宽城区", 1), ("南关区", 2)]
    for table in ("period", "cumulative"):
        ranks = [r["rank"] for r in data[table]]
        ranked = [r for r in ranks if r is not None]
        assert ranked == sorted(ranked) and ranks[: len(ranked)] == ranked
    text = _text(render_pdf(data))
    cum_at = text.index("累计")
    assert text.index("1南关区") < cum_at < text.index("1宽城区")
    assert text.index("2宽城区") < cum_at < text.index("2南关区")


def test_pdf_lists_the_county_and_the_footer_is_chinese(cast):
    build(cast, NOW, townships=True)
    data = build_report(Region.objects.get(code="220100"), DAY, now=NOW)
    with_place = {h["place"] for rows in data["overdue"].values() for h in rows}
    assert {"南关区", "南关区永长街道", "宽城区", "长春市"} <= with_place
    with translation.override("zh-hans"):
        text = _text(render_pdf(data))
    assert "区县/乡镇" in text and "南关区永长街道" in text
    backlog = data["cumulative_total"]["overdue_now"]
    assert "当前逾期（全部）" in text and "当前逾期隐患（全部未整改，按督办层级）" in text
    assert sum(data["overdue_counts"].values()) == backlog > 0
    assert "隐患闭环" in text and "hazardloop" not in text.lower()


def test_workbook_names_places_never_codes(cast):
    build(cast, NOW, townships=True)
    report = generate_report(Region.objects.get(code="220100"), DAY, now=NOW)
    wb = load_workbook(io.BytesIO(report.xlsx.read()))
    code = re.compile(r"^\d{6,12}$")
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and code.match(v) for v in row), (ws.title, row)
    over = wb.worksheets[-1]
    header = [c.value for c in over[1]]
    with translation.override("zh-hans"):
        column = header.index(gettext("Region"))
    places = {row[column] for row in over.iter_rows(min_row=2, values_only=True)}
    assert "南关区永长街道" in places and "长春市" in places
    assert report.kind == ReportKind.DAILY
    assert render_xlsx(report.data)  # the archived data renders again


def test_county_report_without_townships_is_not_empty(cast):
    build(cast, NOW, townships=False)
    data = build_report(Region.objects.get(code="220102"), DAY, now=NOW)
    assert [r["name"] for r in data["cumulative"]] == ["南关区（本级）"]
    assert data["cumulative_total"]["units_in_scope"] == 2
    assert data["cumulative_total"]["hazards_found"] == 6
    assert not any("No units in scope" in line or "无单位" in line for line in data["summary"])


def test_township_hazards_are_named_in_the_county_report(cast):
    build(cast, NOW, townships=True)
    data = build_report(Region.objects.get(code="220102"), DAY, now=NOW)
    names = [r["name"] for r in data["cumulative"]]
    assert names[-1] == "南关区（本级）" and "永长街道" in names
    assert TOWNSHIP not in names


def test_the_regulators_lapses_are_in_the_cumulative_table(cast):
    from hazardloop.hazards.tests.helpers import hazard

    build(cast, NOW, townships=False)
    hazard(cast, found_at=NOW - dt.timedelta(days=10), title="十天前发现，尚未责令整改")
    region = Region.objects.get(code="220102")
    data = build_report(region, DAY, now=NOW)
    lapsed = Hazard.objects.in_region(region.prefix).clock_lapsed(NOW)
    assert lapsed.exists()
    assert (
        data["cumulative_total"]["order_lapsed"] + data["cumulative_total"]["verify_lapsed"]
        == lapsed.count()
    )
    with translation.override("zh-hans"):
        book = load_workbook(io.BytesIO(render_xlsx(data)))
        text = _text(render_pdf(data))
    header = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert "未按时责令整改" in header and "未按时复查" in header
    assert "未按时责令整改" in text


def test_a_hostile_unit_name_stays_text_in_the_workbook(cast):
    import zipfile

    build(cast, NOW, townships=False)
    Hazard.objects.filter(region_code__startswith="220102").update(
        title='=HYPERLINK("http://evil.example","x")'
    )
    data = build_report(Region.objects.get(code="220102"), DAY, now=NOW)
    raw = render_xlsx(data)
    package = zipfile.ZipFile(io.BytesIO(raw))
    sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in package.read(n).decode() for n in sheets)


def test_the_report_carries_the_audit_chain_head(cast):
    from hazardloop.audit.services import chain_head, record_event

    build(cast, NOW, townships=False)
    record_event("test.event", message="so that the chain has a head")
    data = build_report(Region.objects.get(code="220102"), DAY, now=NOW)
    head = chain_head()  # every chain's head, whichever chain the event went to
    assert data["audit_head"] == head and head["seq"]
    with translation.override("zh-hans"):
        text = _text(render_pdf(data))
        book = load_workbook(io.BytesIO(render_xlsx(data)))
    assert head["hash"][:16] in text
    cells = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert any(head["hash"] in str(v) for v in cells)
