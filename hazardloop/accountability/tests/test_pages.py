"""The pages: filters, a refusal shows the case again with what was typed, a case raised by
hand through the form, ids the database cannot hold."""

import pytest

from hazardloop.accountability.choices import CaseStatus
from hazardloop.accountability.models import Case
from hazardloop.accountability.tests.factories import proposal
from hazardloop.testing import web_client

pytestmark = pytest.mark.django_db


def test_filters_on_the_list(cast):
    case = proposal(cast)
    client = web_client(cast.city_regulator)

    def shows(query: str) -> bool:
        return case.title in client.get(f"/accountability/{query}").content.decode()

    assert shows("") and shows("?status=proposed&source=hazard_top_rung&region=220102")
    assert not shows("?status=closed")
    assert not shows("?region=220103")
    assert not shows("?measure=interview")
    assert not shows("?source=bogus")
    assert client.get("/accountability/?region=" + "9" * 80).status_code == 200


def test_a_refused_dismissal_keeps_what_was_typed(cast):
    case = proposal(cast)
    client = web_client(cast.regulator)
    # Closing a proposal is not possible now: the page comes back with the reason and the text.
    response = client.post(
        f"/accountability/{case.pk}/act/",
        {"action": "close", "version": "1", "note": "我写的落实情况"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "待确认" in body and 'data-testid="case-error"' in body
    response = client.post(
        f"/accountability/{case.pk}/act/", {"action": "dismiss", "version": "1", "note": " "}
    )
    assert response.status_code == 422 and "请填写驳回理由" in response.content.decode()
    response = client.post(
        f"/accountability/{case.pk}/act/",
        {"action": "decide", "version": "1", "measure": "interview", "note": "约谈安排"},
    )
    assert response.status_code == 409 and "约谈安排" not in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED
    # A stale version: "changed meanwhile", the typed reason kept.
    response = client.post(
        f"/accountability/{case.pk}/act/",
        {"action": "dismiss", "version": "9", "note": "我的驳回理由"},
    )
    assert response.status_code == 409
    assert "我的驳回理由" in response.content.decode()


def test_a_case_raised_by_hand_through_the_form(cast):
    client = web_client(cast.regulator)
    page = client.get("/accountability/new/").content.decode()
    assert 'value="220102"' in page and 'value="220103"' not in page
    response = client.post(
        "/accountability/new/",
        {
            "region": "220102",
            "title": "饺子馆反复堵塞疏散通道",
            "subject_kind": "unit",
            "unit": str(cast.unit.pk),
            "description": "三次检查均发现疏散通道堵塞。",
        },
    )
    case = Case.objects.get(title="饺子馆反复堵塞疏散通道")
    assert response.status_code == 302 and response["Location"] == f"/accountability/{case.pk}/"
    assert case.subject_unit == cast.unit and case.chain["unit"]["id"] == cast.unit.pk
    # A unit of another district: refused, what was typed kept.
    response = client.post(
        "/accountability/new/",
        {
            "region": "220102",
            "title": "宽城的单位",
            "subject_kind": "unit",
            "unit": str(cast.neighbour_unit.pk),
            "description": "我写的事实",
        },
    )
    body = response.content.decode()
    assert (
        response.status_code == 200
        and "我写的事实" in body
        and "请选择本案所属地区内的单位" in body
    )
    assert not Case.objects.filter(title="宽城的单位").exists()


def test_a_department_is_chosen_on_the_form_or_named(cast):
    from hazardloop.regions.choices import DepartmentKind
    from hazardloop.testing import make_department

    commerce = make_department("220102", DepartmentKind.COMMERCE)
    neighbour = make_department("220103", DepartmentKind.COMMERCE)
    client = web_client(cast.regulator)
    page = client.get("/accountability/new/").content.decode()
    assert f'value="{commerce.pk}"' in page and f'value="{neighbour.pk}"' not in page
    from hazardloop.core.tests import visible_text

    data = visible_text.stored_strings()
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        html = client.get("/accountability/new/").content.decode()
        assert visible_text.problems(html, language, data, ()) == []
    client.cookies["django_language"] = "zh-hans"
    base = {"region": "220102", "subject_kind": "department", "description": "监管缺位"}
    client.post("/accountability/new/", {**base, "title": "商务局", "department": commerce.pk})
    case = Case.objects.get(title="商务局")
    assert case.subject_department == commerce and case.subject_name == commerce.name_zh
    assert case.chain["department"]["id"] == commerce.pk
    client.post("/accountability/new/", {**base, "title": "某办", "subject_name": "区某办公室"})
    assert Case.objects.get(title="某办").subject_name == "区某办公室"
    response = client.post("/accountability/new/", {**base, "title": "无名"})
    assert "请选择部门或填写部门名称" in response.content.decode()
    assert not Case.objects.filter(title="无名").exists()


@pytest.mark.parametrize("url", ["/accountability/{}/", "/api/v1/accountability/cases/{}"])
def test_ids_the_database_cannot_hold(cast, url):
    client = web_client(cast.regulator)
    assert client.get(url.format(10**30)).status_code in (404, 422)
