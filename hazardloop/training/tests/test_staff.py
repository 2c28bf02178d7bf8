"""The staff list pages: adding, editing, marking as left, the .xlsx import (all or nothing,
per-row errors in the user's language), read-only for regulators, the query budget."""

import datetime as dt
import io

import pytest
from django.utils import timezone, translation

from hazardloop.audit.models import AuditEvent
from hazardloop.lib.sheets import read_rows
from hazardloop.testing import web_client
from hazardloop.training.models import QuizAttempt, StaffMember
from hazardloop.training.tests.helpers import person, training
from hazardloop.training.tests.scope_cases import staff_sheet

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name="staff.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return f


def _url(cast, rest=""):
    return f"/training/unit/{cast.unit.pk}/staff/{rest}"


def test_the_manager_adds_edits_and_marks_a_person_as_left(cast):
    client = web_client(cast.unit_manager)
    r = client.post(_url(cast, "add/"), {"name": "赵六", "post": "security", "phone": "139"})
    assert r.status_code == 302
    m = StaffMember.objects.get(unit=cast.unit, name="赵六")
    assert m.post == "security"
    client.post(_url(cast, f"{m.pk}/"), {"name": "赵六", "post": "electrician", "phone": ""})
    m.refresh_from_db()
    assert m.post == "electrician"
    client.post(_url(cast, f"{m.pk}/left/"))
    m.refresh_from_db()
    assert m.left_on is not None
    page = client.get(_url(cast)).content.decode()
    assert "赵六" in page and "已离职" in page
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"staff.added", "staff.changed"} <= actions


def test_bad_input_is_a_message_and_nothing_is_saved(cast):
    client = web_client(cast.unit_manager)
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    r = client.post(_url(cast, "add/"), {"name": "未来", "post": "staff", "hired_on": future},
                    follow=True)  # fmt: skip
    assert "入职日期不能晚于今天" in r.content.decode()
    r = client.post(_url(cast, "add/"), {"name": "", "post": "nobody"}, follow=True)
    assert r.status_code == 200
    assert not StaffMember.objects.filter(unit=cast.unit).exists()


def test_regulators_see_the_list_read_only(cast):
    person(cast.unit, "只读可见")
    page = web_client(cast.regulator).get(_url(cast)).content.decode()
    assert "只读可见" in page
    assert 'data-testid="staff-add"' not in page and "practical-" not in page
    assert 'data-testid="new-training"' not in page
    assert web_client(cast.regulator).post(_url(cast, "add/"), {"name": "x"}).status_code == 403


def test_the_page_shows_who_is_trained_and_the_share_passing_the_check(cast):
    old = person(cast.unit, "老员工", hired_on=dt.date(2020, 1, 1))
    new = person(cast.unit, "新员工", hired_on=dt.date.today() - dt.timedelta(days=10))
    training(cast.unit, staff=[old, new])
    client = web_client(cast.unit_manager)
    check = {"trainer": "李", "extinguisher": "on", "exits": "on", "reports_119": "on"}
    client.post(_url(cast, f"{old.pk}/practical/"), check)

    QuizAttempt.objects.create(staff=old, taken_at=timezone.now(), correct=5, total=5, passed=True)
    page = client.get(_url(cast)).content.decode()
    assert "需岗前培训" in page  # the new person, trained but without pre-job training
    assert "1 / 2" in page and "(50%)" in page


def test_the_import_adds_every_row(cast):
    data = staff_sheet([
        ["张三", "电工", "13800000001", "2024-03-01"],
        ["李四", "Security or patrol staff", 13800000002, dt.datetime(2023, 5, 6)],
        [None, None, None, None],
        ["王五", "", "", ""],
    ])  # fmt: skip
    r = web_client(cast.unit_manager).post(_url(cast, "import/"), {"file": _upload(data)})
    assert r.status_code == 302
    rows = {m.name: m for m in StaffMember.objects.filter(unit=cast.unit)}
    assert set(rows) == {"张三", "李四", "王五"}
    assert rows["张三"].post == "electrician" and rows["李四"].post == "security"
    assert rows["李四"].phone == "13800000002" and rows["李四"].hired_on == dt.date(2023, 5, 6)
    assert rows["王五"].post == "staff"


def test_the_import_saves_nothing_when_a_row_is_wrong_and_names_every_row(cast):
    data = staff_sheet([
        ["张三", "电工", "", "2024-03-01"],
        ["", "电工", "", ""],
        ["李四", "厨师长", "", ""],
        ["王五", "电工", "", "去年"],
    ])  # fmt: skip
    client = web_client(cast.unit_manager)
    r = client.post(_url(cast, "import/"), {"file": _upload(data)})
    assert r.status_code == 422
    page = r.content.decode()
    assert "第3行：请填写姓名。" in page
    assert "第4行：岗位不在模板所列岗位之中" in page
    assert "第5行：入职日期不是日期" in page
    assert not StaffMember.objects.filter(unit=cast.unit).exists()
    client.post("/i18n/setlang/", {"language": "en"})
    r = client.post(_url(cast, "import/"), {"file": _upload(data)})
    assert "Row 4: the post is not one of the template" in r.content.decode()


@pytest.mark.parametrize("data", [b"", b"name,post\n", b"PK\x03\x04 broken zip"])
def test_a_file_that_is_not_a_workbook_is_refused(cast, data):
    r = web_client(cast.unit_manager).post(_url(cast, "import/"), {"file": _upload(data)})
    assert r.status_code == 422
    assert not StaffMember.objects.filter(unit=cast.unit).exists()


def test_a_sheet_without_the_header_is_refused(cast):
    data = staff_sheet([["张三"]], header=("人员", "备注"))
    r = web_client(cast.unit_manager).post(_url(cast, "import/"), {"file": _upload(data)})
    assert r.status_code == 422 and "第一行必须是模板的表头" in r.content.decode()


def test_the_template_reads_back_in_both_languages(cast):
    client = web_client(cast.unit_manager)
    body = client.get(_url(cast, "template.xlsx")).content
    _n, rows = read_rows(io.BytesIO(body))
    assert next(iter(rows))[:2] == ["姓名", "岗位"]
    with translation.override("en"):
        client.post("/i18n/setlang/", {"language": "en"})
        body = client.get(_url(cast, "template.xlsx")).content
    _n, rows = read_rows(io.BytesIO(body))
    header = next(iter(rows))
    assert header[0] == "Name"
    # A filled English template imports.
    from hazardloop.training.tests.scope_cases import staff_sheet as sheet

    data = sheet([["Li Lei", "Electrician", "", "2024-01-02"]], header=tuple(header))
    r = client.post(_url(cast, "import/"), {"file": _upload(data)})
    assert r.status_code == 302
    assert StaffMember.objects.get(unit=cast.unit).post == "electrician"


def test_query_budget_of_the_staff_page(cast, django_assert_max_num_queries):
    people = [person(cast.unit, f"员工{i}") for i in range(40)]
    training(cast.unit, staff=people)
    client = web_client(cast.unit_manager)
    client.get(_url(cast))
    with django_assert_max_num_queries(22):
        r = client.get(_url(cast))
    assert r.status_code == 200 and "员工39" in r.content.decode()
