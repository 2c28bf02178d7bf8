"""The people pages: list, add, one-time links, the forced password change, xlsx import."""

import io

import pytest
from django.test import Client
from openpyxl import Workbook

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.accounts.people_services import reset_password
from hazardloop.audit.models import AuditEvent
from hazardloop.testing import make_user, web_client

pytestmark = pytest.mark.django_db
NEW = "a-private-pass-phrase"


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_a_temporary_password_is_changed_before_anything_else(cast):
    person = make_user("newbie", Role.INSPECTOR, region="220102")
    temporary = reset_password(person, actor=cast.regulator, method="temporary")
    client = Client()
    assert _login(client, "newbie", temporary).status_code == 302
    for path in ("/", "/hazards/", "/account/", "/people/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/password/?next="), path
    assert client.post("/hazards/").status_code == 302
    page = client.get("/account/password/")
    assert page.status_code == 200 and 'data-testid="password-required-form"' in page.text
    same = client.post(
        "/account/password/", {"new_password": temporary, "new_password2": temporary}
    )
    assert same.status_code == 400
    done = client.post(
        "/account/password/?next=/hazards/", {"new_password": NEW, "new_password2": NEW}
    )
    assert done.status_code == 302 and done["Location"] == "/hazards/"
    person.refresh_from_db()
    assert not person.must_change_password and person.check_password(NEW)
    assert client.get("/hazards/").status_code == 200  # still signed in
    assert client.get("/account/password/").status_code == 302  # nothing to change now


def test_a_one_time_link_works_once(cast):
    person = make_user("linked", Role.INSPECTOR, region="220102")
    path = reset_password(person, actor=cast.regulator, method="link")
    client = Client()
    assert "linked" in client.get(path).text
    assert client.post(path, {"new_password": NEW, "new_password2": "other"}).status_code == 400
    assert client.post(path, {"new_password": NEW, "new_password2": NEW})["Location"] == "/login/"
    assert client.get(path).status_code == 404
    assert Client().get("/account/reset/xx/yy/").status_code == 404
    person.refresh_from_db()
    assert person.check_password(NEW)
    assert AuditEvent.objects.filter(action="password.reset_link", actor=cast.regulator)


def test_the_list_searches_and_filters_within_scope(cast, django_assert_max_num_queries):
    make_user("zhao", Role.INSPECTOR, region="220102", display_name="赵六")
    client = web_client(cast.regulator)
    with django_assert_max_num_queries(20):
        page = client.get("/people/").text
    assert "赵六" in page and "t-reg-n" not in page
    assert "赵六" in client.get("/people/?q=赵").text
    found = client.get("/people/?role=unit_manager").text
    assert "t-unit" in found and "赵六" not in found
    assert "赵六" not in client.get("/people/?active=0").text
    # A region outside the scope is not a choice: the filter is refused, nothing leaks.
    assert "t-reg-n" not in client.get("/people/?region=220103").text


def test_the_list_costs_the_same_queries_for_many_people(cast, django_assert_max_num_queries):
    people = User.objects.bulk_create([User(username=f"p{i:02}") for i in range(40)])
    Membership.objects.bulk_create(
        [Membership(user=u, role=Role.INSPECTOR, region_id="220102") for u in people]
    )
    client = web_client(cast.regulator)
    with django_assert_max_num_queries(20):
        page = client.get("/people/").text
    assert page.count('data-testid="person-row"') == 25  # one page
    assert "?page=2" in page


def test_add_a_person_from_the_page(cast):
    client = web_client(cast.regulator)
    form = client.get("/people/new/").text
    assert 'value="r:220102"' in form and "r:220103" not in form  # pickers in scope only
    assert 'value="admin"' not in form  # no role above one's own
    picker = client.get("/people/units/?q=南关测试").text
    assert "南关测试饺子馆" in picker and "宽城" not in picker
    response = client.post(
        "/people/new/",
        {
            "username": "chen",
            "name": "陈七",
            "phone": "",
            "setting": "temporary",
            "grant-role": "unit_manager",
            "grant-unit": cast.unit.pk,
        },
    )
    assert response.status_code == 200 and 'data-testid="temporary-password"' in response.text
    person = User.objects.get(username="chen")
    assert Membership.objects.get(user=person).unit == cast.unit
    # The same username again: a translated error, nothing written.
    again = client.post(
        "/people/new/",
        {
            "username": "chen",
            "setting": "temporary",
            "grant-role": "inspector",
            "grant-place": "r:220102",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert again.status_code == 400 and "chen" in again.text
    assert User.objects.filter(username="chen").count() == 1


def _rewind(data: io.BytesIO) -> io.BytesIO:
    data.seek(0)
    return data


def _sheet(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["吉林省 人员导入"])  # a title row above the header
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "people.xlsx"
    return data


def test_import_checks_every_row_then_creates_all(cast):
    client = web_client(cast.regulator)
    header = ["用户名", "姓名", "手机号码", "角色", "地区代码", "统一社会信用代码", "备注"]
    bad = _sheet(
        [
            header,
            ["imp1", "甲", "13800001111", "检查员", "220102", "", ""],
            ["imp2", "乙", "123", "管理员", "220102", "", ""],
            ["imp3", "丙", "", "单位负责人", "", cast.neighbour_unit.uscc, ""],
            ["imp1", "丁", "", "检查员", "220103", "", ""],
        ]
    )
    page = client.post("/people/import/", {"file": bad}, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert 'data-testid="import-plan"' in page and 'data-testid="import-commit"' not in page
    assert "备注" in page  # an unused column is named, not dropped silently
    assert page.count("table-danger") == 3
    # Each row's problems, in the reader's language.
    assert "您的管辖范围内没有该统一社会信用代码的单位" in page
    assert "第 3 行已有相同的用户名" in page
    assert "该电话号码不是有效的手机或固定电话号码" in page
    english = client.post("/people/import/", {"file": _rewind(bad)}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No unit with this credit code in your jurisdiction." in english.text
    assert not User.objects.filter(username__startswith="imp").exists()
    good = _sheet(
        [
            header,
            ["imp1", "甲", "13800001111", "检查员", "220102", "", ""],
            ["imp2", "乙", "", "unit_manager", "", cast.unit.uscc, ""],
            ["imp3", "丙", "", "Expert", "南关区", "", ""],
        ]
    )
    page = client.post("/people/import/", {"file": good}).text
    assert 'data-testid="import-commit"' in page
    assert not User.objects.filter(username__startswith="imp").exists()  # a dry run
    done = client.post("/people/import/", {"step": "commit"}).text
    assert 'data-testid="import-created"' in done
    made = User.objects.filter(username__startswith="imp").order_by("username")
    assert [u.must_change_password for u in made] == [True, True, True]
    assert Membership.objects.get(user__username="imp2").unit == cast.unit
    assert Membership.objects.get(user__username="imp3").role == Role.EXPERT
    assert AuditEvent.objects.filter(action="account.created", actor=cast.regulator).count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.xls", b"old", "xlsx"),
        ("people.xlsx", b"not a zip", "xlsx"),
    ],
)
def test_import_refuses_files_it_cannot_read(cast, name, content, message):
    upload = io.BytesIO(content)
    upload.name = name
    page = web_client(cast.regulator).post(
        "/people/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200 and message in page.text
    assert 'data-testid="import-plan"' not in page.text


def test_import_refuses_a_zip_bomb(cast, settings):
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", "0" * (20 * 1024 * 1024))
    data.seek(0)
    data.name = "people.xlsx"
    page = web_client(cast.regulator).post("/people/import/", {"file": data})
    assert "unpacks" in page.text or "解压" in page.text or "远超" in page.text
