"""Short (one- and two-character) searches through `search_pairs`, and its upkeep by saves,
services and imports; the streaming .xlsx writer; per-unit import audit."""

import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from hazardloop.audit.models import AuditEvent
from hazardloop.audit.services import verify_chain
from hazardloop.testing import make_unit, web_client
from hazardloop.units import search, services
from hazardloop.units.importing.run import import_units
from hazardloop.units.models import Unit
from hazardloop.units.tests.helpers import HEADER, code, xlsx_file
from hazardloop.units.xlsx import SheetWriter

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return sorted(u.name for u in response.context["units"])


def stored_pairs(unit) -> str:
    return Unit.objects.values_list("search_pairs", flat=True).get(pk=unit.pk)


def test_pairs_cover_every_one_and_two_character_substring():
    assert search.pairs("饺子 馆", "Ａ1") == "1 a a1 子 子馆 饺 饺子 馆"
    assert search.pairs("", "") == ""
    assert search.pairs("店", "") == "店"


def test_short_searches_find_name_and_address_only(cast, monkeypatch):
    # Rare characters, so that the cast's own units match none of the searches.
    make_unit("220102", name="龘靐饺子馫", address="红旗街1号")
    make_unit("220102", name="麤火锅城", address="龖龗大街9号")
    client = web_client(cast.city_regulator)
    assert names(client.get("/units/?q=龘靐")) == ["龘靐饺子馫"]
    assert names(client.get("/units/?q=馫")) == ["龘靐饺子馫"]  # the last character too
    assert names(client.get("/units/?q=龖龗")) == ["麤火锅城"]  # the address
    assert names(client.get("/units/?q=麤 火")) == ["麤火锅城"]  # spaces ignored
    assert names(client.get("/units/?q=馫麤")) == []  # never across name and address
    assert names(client.get("/units/?q=号麤")) == []
    assert names(client.get("/units/?q=麤&region=220104")) == []
    assert names(client.get("/units/?q=龘靐&region=220102")) == ["龘靐饺子馫"]
    assert names(client.get("/units/?q=龘靐&region=220100")) == ["龘靐饺子馫"]  # the city
    assert names(client.get("/units/?q=龘靐&region=220000")) == ["龘靐饺子馫"]  # the province
    monkeypatch.setattr(search, "MAX_REGION_CODES", 1)  # a region too wide for the prefixes
    assert names(client.get("/units/?q=龘靐&region=220100")) == ["龘靐饺子馫"]
    assert names(client.get("/units/?q=龘靐&region=220104")) == []


def test_saves_and_services_keep_the_pairs_in_step(cast):
    unit = make_unit("220102", name="饺子馆", address="")
    assert stored_pairs(unit) == search.pairs("饺子馆", "")
    services.update_unit(unit, actor=cast.regulator, data={"name": "火锅店", "address": "南街"})
    assert stored_pairs(unit) == search.pairs("火锅店", "南街")
    fresh = Unit.objects.get(pk=unit.pk)
    fresh.name = "烧烤"
    fresh.save(update_fields=["name"])
    assert stored_pairs(unit) == search.pairs("烧烤", "南街")


def test_region_search_follows_a_move(cast):
    """A short search within a region finds the units filed under that region's codes (on
    PostgreSQL through the region codes in the index): a unit that moves is found in its new
    region only, and a county user's scope applies too."""
    unit = make_unit("220102", name="龘靐饺子", address="")
    make_unit("220103", name="龘靐烧烤", address="")  # the same pair, next door
    city = web_client(cast.city_regulator)
    assert names(city.get("/units/?q=龘靐&region=220102")) == ["龘靐饺子"]
    assert names(city.get("/units/?q=龘靐")) == ["龘靐烧烤", "龘靐饺子"]
    county = web_client(cast.regulator)  # Nanguan (220102) only
    assert names(county.get("/units/?q=龘靐")) == ["龘靐饺子"]
    assert names(county.get("/units/?q=龘")) == ["龘靐饺子"]

    services.update_unit(unit, actor=cast.city_regulator, data={"region_id": "220103"})
    assert names(city.get("/units/?q=龘靐&region=220102")) == []
    assert names(city.get("/units/?q=龘靐&region=220103")) == ["龘靐烧烤", "龘靐饺子"]
    assert names(county.get("/units/?q=龘靐")) == []

    rows = [HEADER[:5], ["龘靐饺子", unit.uscc, "南关区", "餐饮", ""]]  # an import moves it back
    result = import_units(xlsx_file(rows), "u.xlsx", user=cast.city_regulator, commit=True)
    assert result.updated == 1
    assert names(county.get("/units/?q=龘靐")) == ["龘靐饺子"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_short_search_expressions_are_those_of_the_index(cast):
    """PostgreSQL uses an expression index only for the same expression: with every other
    path off, both of ShortMatch's conditions (the term, and the region codes) are index
    conditions of migration 0013's index, in one scan."""

    def plan(qs) -> str:
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    plain = plan(Unit.objects.filter(search.ShortMatch("饺子")))
    assert "unit_tokens_gin" in plain, plain
    region = plan(Unit.objects.filter(search.ShortMatch("饺子", ["220102", "220103"])))
    cond = next(line for line in region.splitlines() if "Index Cond" in line)
    assert "unit_tokens_gin" in region and "@>" in cond and "&&" in cond, region
    assert "Filter" not in region, region


def test_region_codes_never_match_as_search_tokens(cast):
    """The index's array holds the unit's region code beside its tokens; a short search's term
    (one or two characters) never equals a code (six or more), in or out of a region."""
    unit = make_unit("220102", name="龘靐", address="")
    mine = Unit.objects.filter(pk=unit.pk)
    assert search.pairs("龘靐", "") == "靐 龘 龘靐"
    assert mine.filter(search.match("龘", ["220102"])).exists()
    assert mine.filter(search.match("龘靐")).exists()
    for term in ("22", "2", "02"):
        assert not mine.filter(search.match(term)).exists()
        assert not mine.filter(search.match(term, ["220102"])).exists()


def test_short_search_in_a_subquery(cast):
    """The filter's columns are compiled like any other: it holds on an aliased table."""
    make_unit("220102", name="龘靐饺子", address="")
    inner = Unit.objects.filter(search.ShortMatch("龘靐", ["220102"])).values("pk")
    assert list(Unit.objects.filter(pk__in=inner).values_list("name", flat=True)) == ["龘靐饺子"]


def test_import_writes_pairs_and_audits_every_row(cast):
    """Each created unit's profile and each updated unit's changed fields (before and after)
    are in the import's `unit.import_rows` events, with who imported which file."""
    c1, c2 = code(seed=11), code(seed=12)
    rows = [
        HEADER[:5],
        ["饺子馆", c1, "南关区", "餐饮", "红旗街"],
        ["火锅店", c2, "南关区", "餐饮", ""],
    ]
    result = import_units(xlsx_file(rows), "u.xlsx", user=cast.regulator, commit=True)
    assert result.committed and result.created == 2
    first = Unit.objects.get(uscc=c1)
    assert stored_pairs(first) == search.pairs("饺子馆", "红旗街")
    event = AuditEvent.objects.get(action="unit.import_rows")
    assert (event.actor_id, event.object_repr) == (cast.regulator.pk, "u.xlsx")
    fields = event.after["fields"]
    created = {row[0]: dict(zip(fields, row[1:], strict=True)) for row in event.after["created"]}
    assert created[first.pk]["name"] == "饺子馆" and created[first.pk]["uscc"] == c1
    assert created[first.pk]["region_id"] == "220102" and len(created) == 2
    imported = AuditEvent.objects.get(action="unit.imported")
    assert imported.seq > event.seq and imported.after["row_events"] == 1

    rows = [HEADER[:5], ["烧烤店", c1, "南关区", "餐饮", ""]]
    result = import_units(xlsx_file(rows), "v.xlsx", user=cast.regulator, commit=True)
    assert result.updated == 1
    assert stored_pairs(first) == search.pairs("烧烤店", "红旗街")
    event = AuditEvent.objects.filter(action="unit.import_rows").latest("seq")
    assert event.object_repr == "v.xlsx" and event.after["created"] == []
    [(unit_id, before, after)] = event.after["updated"]
    assert (unit_id, before["name"], after["name"]) == (first.pk, "饺子馆", "烧烤店")
    # the events are appended in bulk (COPY on PostgreSQL): the chain still verifies
    assert verify_chain()[1:] == (None, "")


class _Stream(io.RawIOBase):
    """A non-seekable sink, like a streamed response."""

    def __init__(self):
        self.chunks = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)


def test_streaming_writer_reads_back_in_openpyxl():
    sink = _Stream()
    with SheetWriter(sink, "单位") as sheet:
        sheet.append(["名称", "数", None, "a<b&c", " x ", "bad\x01"])
        sheet.append_many([["饺子馆", 12, "", 1.5, True, None]])
    workbook = load_workbook(io.BytesIO(b"".join(sink.chunks)), read_only=True)
    assert workbook.sheetnames == ["单位"]
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("名称", "数", None, "a<b&c", " x ", "bad")
    assert rows[1][:5] == ("饺子馆", 12, None, 1.5, True)


def test_direct_export_is_scoped_and_filtered(cast):
    client = web_client(cast.regulator)
    response = client.get("/units/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("单位名称", "统一社会信用代码")
    names = {row[0] for row in rows[1:]}
    assert cast.unit.name in names and cast.neighbour_unit.name not in names
    response = client.get("/units/export.xlsx", {"q": cast.unit.name})
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert [r[0] for r in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        cast.unit.name
    ]


def test_region_list_with_and_without_township_units(cast):
    """A county whose units all carry its own code is filtered on that code (so the index on
    (region, name, id) serves the sort); once a township unit exists below it, the subtree
    range is kept and the township unit is listed too, by region filter and by scope."""
    from hazardloop.regions.models import Region
    from hazardloop.units.filters import single_code

    assert single_code("220102") == "220102"
    assert single_code("2201") is None  # several counties
    make_unit("220102", name="龘县城饭店", address="")
    Region.objects.create(code="220102001", parent_id="220102", level="township", name_zh="龘镇")
    make_unit("220102001", name="龘乡镇饭店", address="")
    assert single_code("220102") is None
    city = web_client(cast.city_regulator)
    assert names(city.get("/units/?region=220102&q=龘")) == ["龘乡镇饭店", "龘县城饭店"]
    assert names(city.get("/units/?region=220102&q=龘县城")) == ["龘县城饭店"]
    county = web_client(cast.regulator)
    assert names(county.get("/units/?q=龘")) == ["龘乡镇饭店", "龘县城饭店"]
    assert "龘乡镇饭店" in names(county.get("/units/"))  # the cast has fewer than a page
