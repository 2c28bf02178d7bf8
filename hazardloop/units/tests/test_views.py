"""Unit pages: list (filters, search, keyset pages, query budget), detail, forms, public page."""

import pytest
from django.urls import reverse

from hazardloop.audit.models import AuditEvent
from hazardloop.testing import make_unit, web_client
from hazardloop.units import views
from hazardloop.units.models import Unit
from hazardloop.units.tests.helpers import code

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [u.name for u in response.context["units"]]


def test_list_filters_and_chinese_search(cast):
    make_unit("220102", name="红旗街 老字号 火锅店", gas_use="bottled_lpg", lpg_stored_kg=120)
    make_unit("220102", sector="retail", name="欧亚商场", is_fire_key_unit=True)
    make_unit("220104", name="朝阳区火锅城")
    client = web_client(cast.city_regulator)
    assert names(client.get("/units/?q=火锅")) == ["朝阳区火锅城", "红旗街 老字号 火锅店"]
    assert names(client.get("/units/?q=老字号火锅")) == ["红旗街 老字号 火锅店"]
    assert names(client.get("/units/?q=火锅&region=220104")) == ["朝阳区火锅城"]
    assert names(client.get("/units/?gas=bottled_lpg")) == ["红旗街 老字号 火锅店"]
    assert names(client.get("/units/?sector=retail&key=1")) == ["欧亚商场"]
    assert "欧亚商场" not in names(client.get("/units/?key=0"))
    unit = Unit.objects.get(name="欧亚商场")
    # a partial code, typed in lower case (16 characters: random codes of one district can
    # share a shorter prefix)
    assert names(client.get(f"/units/?q={unit.uscc[:16].lower()}")) == ["欧亚商场"]
    response = client.get("/units/?risk=purple")
    assert response.status_code == 200 and response.context["filter"].errors


def test_unit_manager_sees_only_their_unit(cast):
    response = web_client(cast.unit_manager).get("/units/")
    assert names(response) == [cast.unit.name]


def test_keyset_pages_cover_every_row_once(cast, monkeypatch):
    monkeypatch.setattr(views, "PAGE", 4)
    for i in range(9):
        make_unit("220102", name=f"分页饭店{i:02d}")
    client = web_client(cast.regulator)
    for sort in ("name", "-risk", "-updated"):
        seen, url = [], f"/units/?sort={sort}"
        while url:
            response = client.get(url)
            seen += names(response)
            nxt = response.context["next_query"]
            url = f"/units/?{nxt}" if nxt else None
        assert len(seen) == len(set(seen)) == Unit.objects.filter(region_id="220102").count()


def test_list_query_budget(cast, django_assert_max_num_queries):
    for i in range(60):
        make_unit("220102", name=f"预算饭店{i}")
    client = web_client(cast.regulator)
    client.get("/units/")  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get("/units/?q=饭店&sort=-risk")
    assert len(response.context["units"]) == views.PAGE


def test_htmx_filter_returns_the_rows_only(cast):
    response = web_client(cast.regulator).get("/units/?q=饺子", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and cast.unit.name in body


@pytest.mark.urls("hazardloop.units.tests.panel_urls")
def test_detail_shows_chain_and_panels(cast, monkeypatch):
    monkeypatch.setattr(views, "UNIT_PANELS", ["testpanels:unit_panel", "nothing:here"])
    response = web_client(cast.regulator).get(f"/units/{cast.unit.pk}/")
    body = response.content.decode()
    assert f'hx-get="/panel/{cast.unit.pk}/" hx-trigger="load"' in body
    assert "nothing" not in body
    assert "南关区" in body and 'data-testid="responsibility-chain"' in body


def test_create_validates_and_points_at_a_duplicate(cast):
    client = web_client(cast.regulator)
    form = {
        "name": "新开饭店",
        "uscc": "91350100M000100Y44",
        "region": "220102",
        "sector": "catering",
        "gas_use": "none",
        "lpg_cylinders": "0",
        "lpg_stored_kg": "0",
        "principal_phone": "12345",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-role_title": "厨师长",
        "contacts-0-name": "",
        "contacts-0-phone": "",
    }
    response = client.post("/units/new/", form)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "uscc" in errors and "principal_phone" in errors
    assert response.context["contacts"].forms[0].errors
    form.update(uscc=cast.unit.uscc, principal_phone="13812345678")
    form.update({"contacts-0-name": "李师傅", "contacts-0-phone": "0431-88886666"})
    response = client.post("/units/new/", form)
    assert response.status_code == 400
    assert reverse("units:detail", args=[cast.unit.pk]) in str(response.context["form"].errors)
    form["uscc"] = code()
    response = client.post("/units/new/", form)
    unit = Unit.objects.get(uscc=form["uscc"])
    assert response.status_code == 302
    assert [c.phone for c in unit.contacts.all()] == ["0431-88886666"]
    assert AuditEvent.objects.filter(action="unit.created", object_id=str(unit.pk)).exists()


def test_neighbour_regulator_cannot_register_in_nanguan(cast):
    response = web_client(cast.neighbour_regulator).post(
        "/units/new/",
        {"name": "x", "uscc": code(), "region": "220102", "sector": "catering",
         "gas_use": "none", "lpg_cylinders": "0", "lpg_stored_kg": "0",
         "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 400 and "region" in response.context["form"].errors


def test_unit_manager_edits_but_cannot_move_or_recode(cast):
    unit = cast.unit
    client = web_client(cast.unit_manager)
    response = client.post(
        f"/units/{unit.pk}/edit/",
        {"name": "改名饺子馆", "uscc": code(), "region": "220103", "sector": "retail",
         "gas_use": "pipeline", "lpg_cylinders": "0", "lpg_stored_kg": "0",
         "is_fire_key_unit": "on", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.gas_use) == ("改名饺子馆", "pipeline")
    assert (unit.region_id, unit.sector_id, unit.is_fire_key_unit) == ("220102", "catering", False)
    event = AuditEvent.objects.filter(action="unit.updated").latest("seq")
    assert event.before["name"] == "南关测试饺子馆" and event.after["name"] == "改名饺子馆"


def test_risk_override_keeps_reason_who_and_when(cast):
    client = web_client(cast.regulator)
    client.post(f"/units/{cast.unit.pk}/risk/", {"level": "red", "reason": "液化气瓶放在地下室"})
    unit = Unit.objects.get(pk=cast.unit.pk)
    assert (unit.risk_level, unit.risk_override_by, unit.risk_override_reason) == (
        "red",
        cast.regulator,
        "液化气瓶放在地下室",
    )
    assert unit.risk_override_at is not None
    client.post(f"/units/{cast.unit.pk}/risk/", {"level": "blue", "reason": ""})
    assert Unit.objects.get(pk=cast.unit.pk).risk_level == "red"  # no reason, no change
    client.post(f"/units/{cast.unit.pk}/risk/", {"action": "clear"})
    unit.refresh_from_db()
    assert unit.risk_level == unit.risk_computed and not unit.risk_override


def test_public_page_shows_no_phone_numbers(cast):
    unit = cast.unit
    unit.principal_name, unit.principal_phone = "王伟", "13812345678"
    unit.save()
    response = web_client(None).get(f"/u/{unit.public_id}/")
    body = response.content.decode()
    assert response.status_code == 200 and unit.name in body
    assert "13812345678" not in body and "王伟" not in body
    assert web_client(None).get("/u/notarealcode/").status_code == 404


def test_public_id_is_stable_and_unguessable(cast):
    unit = Unit.objects.get(pk=cast.unit.pk)
    before = unit.public_id
    assert len(before) == 12 and before != str(unit.pk)
    unit.name = "改名"
    unit.save()
    unit.refresh_from_db()
    assert unit.public_id == before


def test_qr_codes_encode_the_public_page(cast, settings):
    settings.PUBLIC_BASE_URL = "https://aq.example.gov.cn"
    client = web_client(cast.regulator)
    svg = client.get(f"/units/{cast.unit.pk}/qr.svg")
    png = client.get(f"/units/{cast.unit.pk}/qr.png")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    detail = client.get(f"/units/{cast.unit.pk}/").content.decode()
    assert f"https://aq.example.gov.cn/u/{cast.unit.public_id}/" in detail


def test_the_count_is_capped(cast, monkeypatch):
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    make_unit("220102")
    response = web_client(cast.regulator).get("/units/")
    assert response.context["more_than"] and response.context["total"] == 2
    assert len(response.context["units"]) == 3


def test_edit_adds_and_removes_contacts(cast):
    """Contacts are a list: rows beyond the first are added by the page, removed ones carry
    DELETE (and are not validated); every phone kept is checked on the server."""
    unit = cast.unit
    client = web_client(cast.regulator)
    form = {
        "name": unit.name, "uscc": unit.uscc, "region": unit.region_id, "sector": unit.sector_id,
        "gas_use": "none", "lpg_cylinders": "0", "lpg_stored_kg": "0",
        "contacts-TOTAL_FORMS": "3", "contacts-INITIAL_FORMS": "0",
        "contacts-0-role_title": "消防安全管理人", "contacts-0-name": "王伟",
        "contacts-0-phone": "13812345678",
        "contacts-1-role_title": "厨师长", "contacts-1-name": "李师傅", "contacts-1-phone": "12345",
        "contacts-2-role_title": "保安", "contacts-2-name": "赵强", "contacts-2-phone": "1",
        "contacts-2-DELETE": "on",
    }  # fmt: skip
    response = client.post(f"/units/{unit.pk}/edit/", form)
    assert response.status_code == 400
    assert "phone" in response.context["contacts"].forms[1].errors
    body = response.content.decode()
    assert "此号码为 5 位" in body and "此号码为 1 位" not in body  # the removed row: hidden
    assert not unit.contacts.exists()
    form["contacts-1-phone"] = "0431-88886666"  # the removed row's bad phone does not block
    assert client.post(f"/units/{unit.pk}/edit/", form).status_code == 302
    assert [c.name for c in unit.contacts.all()] == ["王伟", "李师傅"]
    page = client.get(f"/units/{unit.pk}/edit/").content.decode()
    assert 'name="contacts-INITIAL_FORMS" value="2"' in page
    form.update({"contacts-INITIAL_FORMS": "2", "contacts-0-DELETE": "on"})
    form.update({"contacts-2-role_title": "", "contacts-2-name": "", "contacts-2-phone": ""})
    del form["contacts-2-DELETE"]  # the blank row the page offers, left blank
    assert client.post(f"/units/{unit.pk}/edit/", form).status_code == 302
    assert [c.name for c in unit.contacts.all()] == ["李师傅"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_list_rows_print_what_the_unit_partials_print(cast, language):
    """The list's rows are worked out in Python (views.list_rows); each prints the same link,
    names, gas label, flag badges and risk badge as the model and the shared partials."""
    import re

    from django.template.loader import render_to_string
    from django.utils import translation

    unit = make_unit(
        "220102",
        name="行内容饭店",
        gas_use="bottled_lpg",
        lpg_stored_kg=60,
        is_fire_key_unit=True,
        is_public_gathering=True,
    )
    unit.risk_override = "red"
    unit.risk_level = "red"
    unit.save()
    plain = make_unit("220102", name="行内容商店", sector="retail", gas_use="none")
    client = web_client(cast.regulator)
    body = client.get("/units/?q=行内容", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    def squash(html: str) -> str:
        return re.sub(r"\s+", " ", html).replace("> <", "><").strip()

    page = squash(body)
    with translation.override(language):
        for u in (
            Unit.objects.select_related("region", "sector").get(pk=p) for p in (unit.pk, plain.pk)
        ):
            assert f'<a href="{reverse("units:detail", args=[u.pk])}">{u.name}</a>' in body
            assert f'<td class="small">{u.region.name}</td>' in body
            assert f'<td class="d-none d-lg-table-cell small">{u.sector.name}</td>' in body
            assert (
                f'<td class="d-none d-md-table-cell small">{u.get_gas_use_display()}</td>' in body
            )
            for partial in ("_flags.html", "_risk.html"):
                html = squash(render_to_string(f"units/partials/{partial}", {"unit": u}))
                assert html in page, (partial, html)
    with translation.override(language):
        assert (
            views.list_rows([Unit.objects.select_related("region", "sector").get(pk=unit.pk)])[0][
                "risk_label"
            ]
            == Unit(risk_level="red").get_risk_level_display()
        )


def test_filter_options_mark_the_chosen_values(cast):
    from hazardloop.regions.models import Region

    county = Region.objects.get(code="220102")
    client = web_client(cast.city_regulator)
    body = client.get("/units/?region=220102&sector=retail&gas=pipeline&risk=red").content.decode()
    unfiltered = client.get("/units/").content.decode()
    assert f'<option value="220102" selected>　{county.name}</option>' in body
    assert '<option value="220100">' in body  # the city itself: no indent, not chosen
    assert '<option value="retail" selected>' in body
    assert '<option value="catering">' in body
    assert '<option value="pipeline" selected>' in body
    assert '<option value="red" selected>' in body
    # four more than the unfiltered page (which has the sort order and the language chosen)
    assert body.count(" selected>") == unfiltered.count(" selected>") + 4
