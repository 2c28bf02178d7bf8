"""What officials sign: every document type, for every built-in checklist item.

Each built-in checklist is submitted once with every item failed (through the real inspection
service, so the hazards are titled as production titles them); then the inspection record and
every document each kind of department may issue are rendered to PDF, and the extracted text
must state the violation found, carry no unverified or out-of-province basis, and cite only the
issuing department's own law (regulations.md §12.2, §12.6; issue 10).
"""

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
import uuid

import pytest
from django.core.exceptions import ValidationError

from hazardloop.accounts.choices import Role
from hazardloop.checklists.basis import OTHER_PLACES
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.checklists.services import DATA_DIR, FAILABLE, load_builtin_templates
from hazardloop.evidence.choices import PhotoKind
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.pdf import render_record
from hazardloop.inspections.services import submit_inspection
from hazardloop.inspections.tests.helpers import photo
from hazardloop.inspections.views import _record
from hazardloop.regions.choices import DepartmentKind
from hazardloop.supervision import authority, content
from hazardloop.supervision.choices import DocumentKind, SealSituation
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.supervision.render import render_pdf
from hazardloop.supervision.services import issue_document
from hazardloop.supervision.tests.helpers import at
from hazardloop.testing import HOME, make_department, make_user, web_client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
]

ISSUED = at(2026, 12, 4)
TEMPLATES = [
    t["code"]
    for path in sorted(DATA_DIR.glob("*.json"))
    for t in json.loads(path.read_text(encoding="utf-8"))["templates"]
]
# Marks of a basis not fit for an official document, and raw codes users never see.
FORBIDDEN = ("待核实", "未核实", "来源未核实", "转引", "UNVERIFIED", "[V", "地方")
# Superseded by GB 35181-2025 on 2025-11-01: never cited on a document dated after. (The
# record names the checklist, whose title is that edition's, so only notices are checked.)
SUPERSEDED = "GB35181-2017"
# What each issuer may not cite: its own law only (the office points to the work-safety law).
FOREIGN_LAW = {
    DepartmentKind.FIRE: ("安全生产法", "应急管理部令"),
    DepartmentKind.EMERGENCY: ("消防法", "消防监督检查规定"),
    DepartmentKind.SAFETY_COMMITTEE: ("消防监督检查规定",),
}
NAMES = {
    DepartmentKind.FIRE: "长春市南关区消防救援大队",
    DepartmentKind.EMERGENCY: "长春市南关区应急管理局",
    DepartmentKind.SAFETY_COMMITTEE: "长春市南关区安全生产委员会办公室",
}


def _flat(pdf: bytes) -> str:
    # Poppler in content-stream order (-raw): a table cell's lines stay together, and it reads
    # fpdf2's subset CID fonts correctly on every page (pypdf garbles some after page 2).
    # Compared without whitespace: a wrapped line breaks a wording anywhere.
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return "".join(text.split())


def _clean(text: str) -> str:
    return "".join(text.split())


def _assert_fit_for_officials(text: str, where: str) -> None:
    for word in FORBIDDEN:
        assert word not in text, f"{where}: prints {word!r}"
    for place in OTHER_PLACES:
        assert place not in text, f"{where}: cites {place!r}, outside Jilin"


def _departments() -> dict:
    out = {}
    for kind, name in NAMES.items():
        dept = make_department(HOME, kind)
        dept.name_zh = name
        dept.save(update_fields=["name_zh"])
        out[kind] = dept
    return out


def _fail_everything(cast, version):
    """Submit one inspection of `version` with every item failed (or recorded)."""
    answers = []
    for item in version.items.all():
        answer = {"code": item.code}
        if item.answer_type == "pass_fail":
            answer["result"] = "fail"
        elif item.answer_type == "number":
            low, high = item.number_min, item.number_max
            answer["number"] = str(high + 1 if high is not None else low - 1 if low else -1)
        elif item.answer_type == "text":
            answer["text"] = "现场记录"
        if item.answer_type == "photo" or item.photo_on_fail:
            answer["photo_ids"] = [photo(cast).pk]
        answers.append(answer)
    body = {
        "client_id": str(uuid.uuid4()),
        "unit_id": cast.unit.pk,
        "template_version_id": version.pk,
        "mode": "routine",
        "device_time": "2026-12-03T10:00:00+08:00",
        "started_at": "2026-12-03T09:30:00+08:00",
        "team": [{"name": "张检查", "role": "cadre", "user_id": cast.inspector.pk}],
        "answers": answers,
        "signatures": [
            {"role": "inspector", "name": "张检查",
             "photo_id": photo(cast, kind=PhotoKind.SIGNATURE).pk},
            {"role": "unit", "name": "李老板", "refused": True, "witness_name": "王见证"},
        ],
    }  # fmt: skip
    return submit_inspection(body, actor=cast.inspector, unit=cast.unit, version=version)[0]


def _options(kind: str) -> dict:
    if kind == DocumentKind.TEMPORARY_SEAL:
        return {
            "seal_from": dt.date(2026, 12, 5),
            "seal_until": dt.date(2026, 12, 20),
            "seal_place": "后厨",
            "situations": [SealSituation.EXITS],
        }
    if kind == DocumentKind.LISTING_NOTICE:
        return {"listed_level": "county", "days_overdue": 20, "reply_due_at": at(2026, 12, 14)}
    if kind == DocumentKind.SUPERVISION_LETTER:
        return {"days_overdue": 8, "reply_due_at": at(2026, 12, 14)}
    return {}


@dataclasses.dataclass
class _Doc:
    content: dict
    content_hash: str


def _printed(body: dict) -> str:
    """Everything render_pdf prints from a document's content, flattened."""
    unit = body["unit"]
    parts = [body["issuer"], body["title"], body["number"], unit["name"], *body["body"]]
    parts += [unit["uscc"], unit["address"], body["rectify_due_on"], body["reply_due_on"]]
    for p in body["penalties"]:
        parts += [p["citation"], p["offence"], p["unit"], p["individual"]]
    parts += [(body.get("seal") or {}).get("place", ""), *body["copy_to"], body["note"]]
    return _clean("".join(str(x) for x in parts))


COMBOS = [
    (dept_kind, kind)
    for dept_kind in NAMES
    for kind in DocumentKind.values
    if authority.authority_of(dept_kind).can_issue(kind)
]


@pytest.mark.parametrize("code", TEMPLATES)
def test_every_document_states_the_violation_under_the_issuers_own_law(cast, code):
    """Every document kind × issuer × failable item: the content that is printed is checked
    for all of them; the PDFs are rendered and their extracted text checked for the record
    and, per template, for a rotating share of the document kinds (all of them over the
    templates), each for the item with a citable basis when there is one. Rendering all
    1,500 PDFs would take minutes on a shared machine; render_pdf prints the content as it is,
    which the rendered ones prove paragraph by paragraph."""
    load_builtin_templates()
    depts = _departments()
    version = ChecklistTemplate.objects.get(code=code, region_code="").versions.get(is_current=True)
    items = {i.code: i for i in version.items.all()}
    inspection = _fail_everything(cast, version)

    # The inspection record: each failed item's violation, and only citable bases.
    record = _flat(render_record(_record(inspection.pk, cast.regulator)))
    _assert_fit_for_officials(record, f"{code} record")
    failable = [i for i in items.values() if i.answer_type in FAILABLE]
    for item in failable:
        assert _clean(item.violation_zh) in record, f"{code}/{item.code}: record"
        if item.citable_basis:
            assert _clean(item.citable_basis) in record, f"{code}/{item.code}: basis"

    hazards = list(Hazard.objects.filter(source_ref__startswith=f"inspection:{inspection.pk}/"))
    assert len(hazards) == len(failable)
    position = TEMPLATES.index(code)
    sample = max(hazards, key=lambda h: (bool(items[_code(h)].citable_basis), -h.pk))
    for hazard in hazards:
        item = items[_code(hazard)]
        assert hazard.title == item.violation_zh
        assert not hazard.title.startswith("不符合要求")
        for n, (dept_kind, kind) in enumerate(COMBOS):
            auth = authority.authority_of(dept_kind)
            body = content.build(
                kind=kind,
                number="测试〔2026〕第0001号",
                issuer=depts[dept_kind],
                hazard=hazard,
                issued_at=ISSUED,
                rectify_due_at=at(2026, 12, 20),
                penalties=[],
                **_options(kind),
            )
            where = f"{code}/{item.code} {kind} by {dept_kind}"
            texts = [_printed(body)]
            if hazard is sample and n % 4 == position % 4:
                pdf = _flat(render_pdf(_Doc(body, "0" * 64), verify_url="https://x.test/d/t/"))
                for paragraph in body["body"]:
                    assert _clean(paragraph) in pdf, f"{where}: PDF lacks {paragraph}"
                texts.append(pdf)
            for text in texts:
                assert _clean(item.violation_zh) in text, where
                assert _clean(auth.title_of(kind)) in text, where
                _assert_fit_for_officials(text, where)
                assert SUPERSEDED not in text, where
                # The department's own enforcement basis, and no other law's.
                assert _clean(auth.basis[kind]) in text, where
                for law in FOREIGN_LAW[dept_kind]:
                    assert law not in text, f"{where}: cites {law}"


def _code(hazard) -> str:
    return hazard.source_ref.split("/item:")[1]


def test_an_emergency_bureau_cannot_issue_fire_law_documents_and_nothing_is_written(cast):
    load_builtin_templates()
    depts = _departments()
    version = ChecklistTemplate.objects.get(code="restaurant-gas", region_code="").versions.get(
        is_current=True
    )
    _fail_everything(cast, version)
    hazard = Hazard.objects.get(source_ref__endswith="/item:R01")
    officer = make_user(role=Role.REGULATOR, kind=DepartmentKind.EMERGENCY)
    before = EnforcementDocument.objects.count()
    for kind in (DocumentKind.TEMPORARY_SEAL, DocumentKind.MAJOR_HAZARD_NOTICE):
        with pytest.raises(ValidationError) as err:
            issue_document(
                hazard,
                actor=officer,
                kind=kind,
                department=depts[DepartmentKind.EMERGENCY],
                seal_from=dt.date(2026, 12, 5),
                seal_days=10,
                situations=[SealSituation.EXITS],
                rectify_due_at=at(2099, 1, 1),
            )
        assert "执法依据" in " ".join(err.value.message_dict["kind"])
    assert EnforcementDocument.objects.count() == before
    assert not EnforcementDocument.objects.filter(department=depts[DepartmentKind.EMERGENCY])

    # The issue page says what the bureau may issue and which provision it will cite.
    page = web_client(officer).get(f"/supervision/hazards/{hazard.pk}/documents/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="issuer-basis"' in html and "第三十六条第四款" in html
    assert "regulations.md" not in html  # sources are for developers, not users

    # The same bureau orders the gas alarm installed under the work-safety law, with the
    # work-safety penalty (Art. 99(八)), never a fire-law one.
    doc = issue_document(
        hazard,
        actor=officer,
        kind=DocumentKind.DEADLINE_ORDER,
        department=depts[DepartmentKind.EMERGENCY],
        rectify_due_at=at(2099, 1, 1),
    )
    text = _flat(render_pdf(doc, verify_url="https://x.test/d/t/"))
    assert doc.title_zh == "责令限期整改指令书" and "责令限期整改指令书" in text
    assert "第九十九条第（八）项" in text and "第三十六条第四款" in text
    assert "消防" not in text


def test_a_fire_notice_for_a_gas_alarm_cites_no_work_safety_law(cast):
    load_builtin_templates()
    depts = _departments()
    version = ChecklistTemplate.objects.get(code="restaurant-gas", region_code="").versions.get(
        is_current=True
    )
    _fail_everything(cast, version)
    disabled = Hazard.objects.get(source_ref__endswith="/item:R01A")
    doc = issue_document(
        disabled,
        actor=make_user(role=Role.INSPECTOR, kind=DepartmentKind.FIRE),
        kind=DocumentKind.DEADLINE_ORDER,
        department=depts[DepartmentKind.FIRE],
        rectify_due_at=at(2099, 1, 1),
    )
    text = _flat(render_pdf(doc, verify_url="https://x.test/d/t/"))
    assert "可燃气体报警装置被关闭" in text
    # No fire-law penalty for a kitchen gas alarm (it is no fire facility), no work-safety law.
    assert "第六十条" not in text and "安全生产法" not in text
    assert {p["code"] for p in doc.content["penalties"]} == set()
