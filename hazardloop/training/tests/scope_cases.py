"""Every training page and API endpoint against the standard cast (hazardloop/testing.py).

A unit's staff list and trainings are seen by whoever holds training.view over the unit
(regulators, inspectors, leaders; the unit's own people); only the unit's own people write them;
province-level holders of training.quiz_bank edit the quiz bank. The phone pages (signing, the
quiz) need no account: the short-lived signed link is the key."""

import io
import json
import re

from hazardloop.lib.sheets import XLSX, write_table
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, everyone, expect, file_of
from hazardloop.training.models import QuizQuestion, StaffMember
from hazardloop.training.quiz import seed_bank
from hazardloop.training.tests.helpers import person, training
from hazardloop.training.tokens import QUIZ, SIGN, make_token

SEE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=ALLOW,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=HIDE,
    expert=HIDE,
    leader=ALLOW,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)
RECORD = expect(
    anonymous=LOGIN,
    admin=DENY,
    province_regulator=DENY,
    city_regulator=DENY,
    regulator=DENY,
    inspector=DENY,
    neighbour_inspector=HIDE,
    neighbour_regulator=HIDE,
    duty_officer=HIDE,
    expert=HIDE,
    leader=DENY,
    unit_manager=ALLOW,
    other_unit_manager=HIDE,
)
BANK = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=DENY,
    regulator=DENY,
    inspector=DENY,
    neighbour_inspector=DENY,
    neighbour_regulator=DENY,
    duty_officer=HIDE,
    expert=HIDE,
    leader=DENY,
    unit_manager=DENY,
    other_unit_manager=DENY,
)
PHONE = everyone(ALLOW, anonymous=ALLOW)


def _person(cast):
    return person(cast.unit, name="范围测试员工")


def _training(cast):
    return training(cast.unit, topic="范围测试培训", user=cast.unit_manager)


def _question(cast):
    seed_bank("220000")
    return QuizQuestion.objects.filter(province="220000").first()


def _staff_named(name):
    def check(response, cast, obj):
        return StaffMember.objects.filter(unit=cast.unit, name=name).exists()

    return check


def _left(response, cast, obj):
    obj.refresh_from_db()
    return obj.left_on is not None


def _practical(response, cast, obj):
    return obj.practicals.exists()


def staff_sheet(rows, header=("姓名", "岗位", "电话", "入职日期（年-月-日）")) -> bytes:
    buffer = io.BytesIO()
    write_table(buffer, XLSX, title="staff", header=list(header), rows=rows)
    return buffer.getvalue()


def _import_data(cast, obj):
    f = io.BytesIO(staff_sheet([["导入员工", "其他员工", "13800000000", "2024-03-01"]]))
    f.name = "staff.xlsx"
    return {"file": f}


def _imported(response, cast, obj):
    return StaffMember.objects.filter(unit=cast.unit).exists()


STAFF_URL = "/training/unit/{}/staff/"
CASES = [
    ScopeCase(
        "staff list",
        "training:staff",
        lambda c, o: STAFF_URL.format(c.unit.pk),
        SEE,
        make=_person,
        marker=lambda o: o.name,
    ),
    ScopeCase(
        "add a staff member",
        "training:staff_add",
        lambda c, o: f"/training/unit/{c.unit.pk}/staff/add/",
        RECORD,
        method="post",
        data={"name": "新来的服务员", "post": "staff", "phone": "", "hired_on": ""},
        redirect=lambda c, o: STAFF_URL.format(c.unit.pk),
        check=_staff_named("新来的服务员"),
    ),
    ScopeCase(
        "edit a staff member (form)",
        "training:staff_edit",
        lambda c, o: f"/training/unit/{c.unit.pk}/staff/{o.pk}/",
        RECORD,
        make=_person,
        marker=lambda o: 'data-testid="staff-edit"',
    ),
    ScopeCase(
        "mark a staff member as left",
        "training:staff_left",
        lambda c, o: f"/training/unit/{c.unit.pk}/staff/{o.pk}/left/",
        RECORD,
        make=_person,
        method="post",
        redirect=lambda c, o: STAFF_URL.format(c.unit.pk),
        check=_left,
    ),
    ScopeCase(
        "practical check",
        "training:practical",
        lambda c, o: f"/training/unit/{c.unit.pk}/staff/{o.pk}/practical/",
        RECORD,
        make=_person,
        method="post",
        data={"trainer": "李教官", "extinguisher": "on", "exits": "on", "reports_119": "on"},
        redirect=lambda c, o: STAFF_URL.format(c.unit.pk),
        check=_practical,
    ),
    ScopeCase(
        "staff import (form)",
        "training:staff_import",
        lambda c, o: f"/training/unit/{c.unit.pk}/staff/import/",
        RECORD,
        marker=lambda o: 'data-testid="staff-import"',
    ),
    ScopeCase(
        "staff import (upload)",
        "training:staff_import",
        lambda c, o: f"/training/unit/{c.unit.pk}/staff/import/",
        RECORD,
        method="post",
        data=_import_data,
        redirect=lambda c, o: STAFF_URL.format(c.unit.pk),
        check=_imported,
    ),
    ScopeCase(
        "staff import template",
        "training:staff_template",
        lambda c, o: f"/training/unit/{c.unit.pk}/staff/template.xlsx",
        RECORD,
        check=file_of("application/vnd.openxmlformats"),
    ),
    ScopeCase(
        "trainings of a unit",
        "training:list",
        lambda c, o: f"/training/unit/{c.unit.pk}/",
        SEE,
        make=_training,
        is_list=True,
        marker=lambda o: f'href="/training/{o.pk}/"',
    ),
    ScopeCase(
        "record a training (form)",
        "training:new",
        lambda c, o: f"/training/unit/{c.unit.pk}/new/",
        RECORD,
        make=_person,
        marker=lambda o: 'data-testid="training-form"',
    ),
    ScopeCase(
        "record a training",
        "training:new",
        lambda c, o: f"/training/unit/{c.unit.pk}/new/",
        RECORD,
        make=_person,
        method="post",
        data=lambda c, o: {
            "topic": "灭火器使用培训",
            "items": ["equipment"],
            "trainer": "李教官",
            "held_at": "2026-01-05T10:00",
            "duration_minutes": "45",
            "staff": [str(o.pk)],
        },
        redirect=lambda c, o: re.compile(r"/training/\d+/"),
        check=lambda r, c, o: o.attendance.exists(),
    ),
    ScopeCase(
        "training record",
        "training:detail",
        lambda c, o: f"/training/{o.pk}/",
        SEE,
        make=_training,
        marker=lambda o: o.topic,
    ),
    ScopeCase(
        "sign on a phone (signed link)",
        "training:sign",
        lambda c, o: f"/t/s/{make_token(SIGN, o.pk)}/",
        PHONE,
        make=_training,
        marker=lambda o: 'data-testid="sign-form"',
    ),
    ScopeCase(
        "quiz on a phone (signed link)",
        "training:quiz",
        lambda c, o: f"/t/q/{make_token(QUIZ, c.unit.pk)}/",
        PHONE,
        make=_person,
        marker=lambda o: 'data-testid="quiz-form"',
    ),
    ScopeCase(
        "quiz bank",
        "training:bank",
        lambda c, o: "/training/quiz-bank/",
        BANK,
        make=_question,
        marker=lambda o: o.text_zh,
    ),
    ScopeCase(
        "quiz question (new)",
        "training:question_new",
        lambda c, o: "/training/quiz-bank/new/",
        BANK,
        marker=lambda o: 'data-testid="question-form"',
    ),
    ScopeCase(
        "quiz question (edit)",
        "training:question",
        lambda c, o: f"/training/quiz-bank/{o.pk}/",
        BANK,
        make=_question,
        method="post",
        data=lambda c, o: {
            "text_zh": "发现火灾应拨打什么电话？",
            "text_en": "",
            "option0_zh": "119",
            "option1_zh": "110",
            "answer": "0",
            "active": "on",
        },
        redirect=lambda c, o: "/training/quiz-bank/",
        check=lambda r, c, o: QuizQuestion.objects.get(pk=o.pk).text_zh.startswith("发现火灾应"),
    ),
    ScopeCase(
        "trainings API list",
        "GET /api/v1/trainings",
        lambda c, o: "/api/v1/trainings?limit=500",
        SEE,
        make=_training,
        api=True,
        is_list=True,
        marker=lambda o: json.dumps(o.topic)[1:-1],
    ),
    ScopeCase(
        "trainings API create",
        "POST /api/v1/trainings",
        lambda c, o: "/api/v1/trainings",
        RECORD,
        make=_person,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {
            "unit_id": c.unit.pk,
            "topic": "岗前培训",
            "items": ["laws"],
            "trainer": "李教官",
            "held_at": "2026-01-05T10:00:00+08:00",
            "duration_minutes": 30,
            "pre_job": True,
            "staff_ids": [o.pk],
        },
        marker=lambda o: '"pre_job": true',
    ),
    ScopeCase(
        "staff API list",
        "GET /api/v1/units/{unit_id}/staff",
        lambda c, o: f"/api/v1/units/{c.unit.pk}/staff",
        SEE,
        make=_person,
        api=True,
        marker=lambda o: json.dumps(o.name)[1:-1],
    ),
    ScopeCase(
        "staff API add",
        "POST /api/v1/units/{unit_id}/staff",
        lambda c, o: f"/api/v1/units/{c.unit.pk}/staff",
        RECORD,
        method="post",
        api=True,
        content_type="application/json",
        data={"name": "接口员工", "post": "security"},
        marker=lambda o: '"post": "security"',
    ),
]

# Certificates and the fire-control room's shifts (training/certificates*.py).
from hazardloop.training.tests.scope_cases_certificates import CASES as CERTIFICATE_CASES  # noqa: E402

CASES += CERTIFICATE_CASES
