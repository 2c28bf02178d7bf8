"""Issuing, numbering, serving, clocks, PDF text, and what the public pages show."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from hazardloop.audit.models import AuditEvent
from hazardloop.hazards.choices import Category, Grade
from hazardloop.regions.choices import DepartmentKind
from hazardloop.supervision import numbering, penalties
from hazardloop.supervision.choices import ClockState, DocumentKind
from hazardloop.supervision.clocks import clocks_for
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.supervision.render import render_pdf
from hazardloop.supervision.services import issue_document, serve_document
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard
from hazardloop.testing import make_department, web_client

pytestmark = pytest.mark.django_db
FAR = at(2099, 12, 31, 23, 59)


def _issue(cast, hazard, kind=DocumentKind.DEADLINE_ORDER, **options):
    options.setdefault("rectify_due_at", FAR)
    return issue_document(
        hazard, actor=cast.inspector, kind=kind, department=departments()["fire"], **options
    )


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf returns fpdf2's two-byte CID codes with a NUL before each character (poppler's
    # pdftotext does not); compare without NULs and whitespace.
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    return "".join(text.split())


def test_numbers_run_per_department_kind_and_year(cast):
    depts = departments()
    hazard = make_hazard(cast)
    first = _issue(cast, hazard)
    second = _issue(cast, hazard)
    immediate = _issue(cast, hazard, DocumentKind.IMMEDIATE_ORDER)
    assert first.number.startswith("长南消限字〔")
    assert first.number.endswith("〕第0001号") and second.number.endswith("〕第0002号")
    assert "消即字" in immediate.number and immediate.number.endswith("第0001号")
    # Another year starts again at 1; a block of numbers is consecutive.
    assert numbering.allocate(depts["fire"], DocumentKind.DEADLINE_ORDER, 2027) == range(1, 2)
    assert numbering.allocate(depts["fire"], DocumentKind.DEADLINE_ORDER, 2027, 3) == range(2, 5)


def test_prefix_is_derived_when_the_department_has_none(cast):
    office = make_department("220102", DepartmentKind.SAFETY_COMMITTEE)
    assert numbering.prefix_base(office) == "长南关安办"
    assert numbering.format_number("长南安办", "supervision_letter", 2026, 7) == (
        "长南安办督字〔2026〕第0007号"
    )


def test_issue_checks_what_each_kind_needs_and_writes_nothing_when_refused(cast):
    departments()
    hazard = make_hazard(cast)
    before = EnforcementDocument.objects.count()
    with pytest.raises(ValidationError) as err:
        _issue(cast, hazard, rectify_due_at=at(2020, 1, 1))
    assert "rectify_due_at" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _issue(cast, hazard, DocumentKind.MAJOR_HAZARD_NOTICE)
    assert "kind" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _issue(
            cast,
            hazard,
            DocumentKind.TEMPORARY_SEAL,
            seal_from=dt.date(2026, 12, 1),
            seal_days=31,
            situations=["exits"],
        )
    assert "seal_days" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _issue(
            cast,
            hazard,
            DocumentKind.TEMPORARY_SEAL,
            seal_from=dt.date(2026, 12, 1),
            seal_days=30,
            situations=[],
        )
    assert "situations" in err.value.message_dict
    with pytest.raises(ValidationError):
        _issue(cast, hazard, DocumentKind.SUPERVISION_LETTER)
    assert EnforcementDocument.objects.count() == before
    # Nothing was numbered either: the next document is still number 1.
    assert _issue(cast, hazard).number.endswith("第0001号")


def test_only_the_issuers_own_departments(cast):
    depts = departments()
    hazard = make_hazard(cast)
    other = make_department("220103", DepartmentKind.FIRE)
    with pytest.raises(PermissionDenied):
        issue_document(
            hazard,
            actor=cast.inspector,
            kind="deadline_order",
            department=other,
            rectify_due_at=FAR,
        )
    with pytest.raises(PermissionDenied):
        issue_document(
            hazard,
            actor=cast.unit_manager,
            kind="deadline_order",
            department=depts["fire"],
            rectify_due_at=FAR,
        )


def test_the_same_key_twice_is_the_same_document(cast):
    hazard = make_hazard(cast)
    one = _issue(cast, hazard, idempotency_key="k1")
    two = _issue(cast, hazard, idempotency_key="k1")
    assert one.pk == two.pk
    assert EnforcementDocument.objects.count() == 1


def test_seal_up_lasts_at_most_30_days_and_prints_the_situations(cast):
    hazard = make_hazard(cast)
    doc = _issue(
        cast,
        hazard,
        DocumentKind.TEMPORARY_SEAL,
        seal_from=dt.date(2026, 12, 1),
        seal_days=30,
        seal_place="后厨",
        situations=["exits", "dangerous_goods"],
    )
    assert doc.seal_until == dt.date(2026, 12, 30)
    assert "已不具备安全疏散条件" in doc.content["body"][0]
    assert "共30日" in doc.content["body"][1]


def test_serve_once_and_clocks_count_working_days(cast):
    hazard = make_hazard(cast)
    # Checked on Thursday 2 April 2026: Qingming (4–6 April) is skipped, so the order must be
    # served by Wednesday 8 April.
    doc = _issue(
        cast,
        hazard,
        checked_at=at(2026, 4, 2),
        rectify_due_at=at(2026, 4, 30, 23, 59),
        now=at(2026, 4, 3),
    )
    clocks = clocks_for(doc, now=at(2026, 4, 7))
    served = clocks[0]
    assert served.due == dt.date(2026, 4, 8)
    assert served.state == ClockState.OPEN
    assert clocks_for(doc, now=at(2026, 4, 9))[0].state == ClockState.MISSED
    # The re-check falls within 3 working days of the 30 April deadline: 1–5 May is Labour
    # Day, so 8 May.
    recheck = next(c for c in clocks if c.basis == "120号令 第二十条")
    assert recheck.due == dt.date(2026, 5, 8)
    serve_document(doc, actor=cast.inspector, served_at=at(2026, 4, 7), note="当面送达")
    assert clocks_for(doc, now=at(2026, 4, 9))[0].state == ClockState.MET
    with pytest.raises(ValidationError):
        serve_document(doc, actor=cast.inspector)
    assert AuditEvent.objects.filter(action="document.served").count() == 1


def test_penalty_guidance_matches_the_hazard(cast):
    blocked = make_hazard(cast)
    assert penalties.guidance_for(blocked)[0].code == "fire-60-3"
    gas = make_hazard(
        cast,
        title="未安装可燃气体报警装置",
        description="后厨使用瓶装液化气",
        category=Category.GAS,
    )
    codes = [r.code for r in penalties.guidance_for(gas)]
    assert codes == ["safety-99-8"]
    # Once the deadline has passed without action, refusal provisions join.
    late = [r.code for r in penalties.guidance_for(blocked, now=at(2026, 12, 1))]
    assert late[-2:] == ["fire-60-7", "safety-102"]
    assert all(r.source.startswith("regulations.md") for r in penalties.RULES)


def test_pdf_text_shows_the_chinese_content(cast):
    hazard = make_hazard(cast)
    doc = _issue(cast, hazard, penalty_codes=["fire-60-3"])
    text = _text(render_pdf(doc, verify_url=f"http://testserver/d/{doc.token}/"))
    for expected in (
        doc.number,
        "责令限期改正通知书",
        "南关测试饺子馆",
        "疏散通道堵塞",
        "第六十条第一款第（三）项",
        "五千元以上五万元以下",
        doc.content_hash[:16],
    ):
        assert expected in text, expected


def test_pdf_download_is_a_pdf_and_scoped(cast):
    doc = _issue(cast, make_hazard(cast))
    response = web_client(cast.unit_manager).get(f"/documents/{doc.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert web_client(cast.other_unit_manager).get(f"/documents/{doc.pk}/pdf/").status_code == 404


PRIVATE = ("后厨通往安全出口", "张三", "13800000000", "测试路")


def _private_unit(cast):
    cast.unit.principal_name = "张三"
    cast.unit.principal_phone = "13800000000"
    cast.unit.save()


def test_verification_page_shows_public_facts_only(cast):
    _private_unit(cast)
    doc = _issue(cast, make_hazard(cast))
    body = web_client(None).get(f"/d/{doc.token}/").content.decode()
    assert doc.number in body and doc.content_hash in body and cast.unit.name in body
    for secret in (*PRIVATE, cast.unit.uscc):
        assert secret not in body
    assert web_client(None).get("/d/not-a-token/").status_code == 404


def test_listed_page_shows_public_facts_only(cast, django_assert_max_num_queries):
    _private_unit(cast)
    departments()
    for _ in range(3):
        make_hazard(cast, due=at(2026, 3, 12, 23, 59), grade=Grade.MAJOR)
    hidden = make_hazard(cast, due=at(2026, 3, 12, 23, 59))  # general: not listed yet
    sweep(at(2026, 4, 1))
    client = web_client(None)
    with django_assert_max_num_queries(6):
        body = client.get("/listed/").content.decode()
    assert body.count("挂字〔2026〕") == 3
    assert hidden.title in body  # the three listed ones share the title…
    for secret in (*PRIVATE, cast.unit.uscc):
        assert secret not in body
    assert client.get("/listed/?region=220200").content.decode().count("挂字〔2026〕") == 0


def test_api_list_has_a_query_budget(cast, django_assert_max_num_queries):
    from hazardloop.testing import api_client

    hazard = make_hazard(cast)
    for _ in range(5):
        _issue(cast, hazard)
    client = api_client(cast.inspector)
    with django_assert_max_num_queries(14):
        response = client.get(f"/api/v1/hazards/{hazard.pk}/documents")
    assert response.json()["count"] == 5
    assert len(response.json()["items"][0]["clocks"]) >= 2


def test_api_issue_refuses_bad_input_with_the_error_shape(cast):
    from hazardloop.testing import api_client

    departments()
    hazard = make_hazard(cast)
    client = api_client(cast.inspector)
    url = f"/api/v1/hazards/{hazard.pk}/documents"
    bad = client.post(
        url,
        {"kind": "temporary_seal", "seal_days": 45, "situations": ["x"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"
    assert EnforcementDocument.objects.count() == 0
    body = {
        "kind": "deadline_order",
        "rectify_due_at": "2099-01-01T23:59:00+08:00",
        "idempotency_key": "abc",
    }
    one = client.post(url, body, content_type="application/json")
    two = client.post(url, body, content_type="application/json")
    assert one.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert one.json()["number"].startswith("长南消限字")


def test_a_major_notice_waits_for_the_determination_and_states_only_its_grounds(cast):
    """A hazard whose grade is pending a determination gets no major hazard notice; a
    determined one states its grounds in Chinese, never the ledger's stored English reason."""
    from hazardloop.hazards.models import Hazard

    departments()
    hazard = make_hazard(cast, grade=Grade.MAJOR)
    pending = {"kind": "pending", "label": "GB 35181-2017", "elements": ["7.3.10"]}
    Hazard.objects.filter(pk=hazard.pk).update(grade_basis=pending)
    hazard.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        _issue(cast, hazard, DocumentKind.MAJOR_HAZARD_NOTICE)
    assert "kind" in err.value.message_dict

    determined = {"kind": "determined", "method": "collective", "agreeing": 3, "members": 3,
                  "basis": "安全出口上锁，经集体讨论判定"}  # fmt: skip
    Hazard.objects.filter(pk=hazard.pk).update(
        grade_basis=determined, grade_reason="major: determined (English, for the ledger)"
    )
    hazard.refresh_from_db()
    document = _issue(cast, hazard, DocumentKind.MAJOR_HAZARD_NOTICE)
    printed = "".join(str(p) for p in document.content.get("body", []))
    assert "判定依据" in printed and "安全出口上锁，经集体讨论判定" in printed
    assert "English" not in printed
