import pytest
from django.core.management import CommandError, call_command

from hazardloop.regions.models import Region, Sector, subtree_bounds
from hazardloop.testing import api_client, make_unit
from hazardloop.units.models import Unit

pytestmark = pytest.mark.django_db


def test_jilin_is_loaded_with_real_codes(reference_data):
    assert Region.objects.get(code="220000").name_zh == "吉林省"
    assert Region.objects.filter(level="prefecture").count() == 9
    assert Region.objects.filter(level="county").count() == 60
    assert Region.objects.filter(level="zone", is_statistical=True).count() == 9
    gongzhuling = Region.objects.get(code="220184")
    assert gongzhuling.parent_id == "220100"
    assert Region.objects.get(code="222401").parent_id == "222400"  # 延吉市 under 延边州
    assert Sector.objects.count() == 14


def test_prefixes_follow_the_level(reference_data):
    assert Region.objects.get(code="220000").prefix == "22"
    assert Region.objects.get(code="220100").prefix == "2201"
    assert Region.objects.get(code="220102").prefix == "220102"
    assert subtree_bounds("2201") == ("2201", "220199999999")


def test_subtree_is_one_range_filter(reference_data):
    nanguan = make_unit("220102")
    kuancheng = make_unit("220103")
    jilin_city = make_unit("220204")
    changchun = Region.objects.get(code="220100")
    in_changchun = set(
        Unit.objects.filter(changchun.subtree_q("region")).values_list("pk", flat=True)
    )
    assert in_changchun == {nanguan.pk, kuancheng.pk}
    province = Region.objects.get(code="220000")
    assert Unit.objects.filter(province.subtree_q("region")).count() == 3
    assert jilin_city.pk not in set(
        Unit.objects.filter(Region.objects.get(code="220102").subtree_q("region")).values_list(
            "pk", flat=True
        )
    )
    sql = str(Unit.objects.filter(changchun.subtree_q("region")).query)
    assert ">=" in sql and "<=" in sql and "LIKE" not in sql.upper()


def test_ancestors_in_order(reference_data):
    names = [r.code for r in Region.objects.get(code="220102").ancestors()]
    assert names == ["220000", "220100"]


def test_bilingual_name(reference_data):
    from django.utils import translation

    region = Region.objects.get(code="220100")
    with translation.override("en"):
        assert region.name == "Changchun"
    with translation.override("zh-hans"):
        assert region.name == "长春市"


def test_import_townships(reference_data, tmp_path):
    csv = tmp_path / "townships.csv"
    csv.write_text(
        "code,parent,level,name_zh,name_en,note\n"
        "220102001,220102,township,永长街道,Yongchang Subdistrict,\n"
        "220102002,220102,township,鸿城街道,Hongcheng Subdistrict,\n",
        encoding="utf-8",
    )
    call_command("import_regions", str(csv))
    township = Region.objects.get(code="220102001")
    assert township.prefix == "220102001"
    assert township.parent_id == "220102"
    assert Region.objects.get(code="220102").contains("220102001")
    # importing again updates, never duplicates
    call_command("import_regions", str(csv))
    assert Region.objects.filter(parent_id="220102").count() == 2


def test_import_refuses_a_bad_file_and_changes_nothing(reference_data, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "code,parent,level,name_zh,name_en,note\n"
        "220102003,220102,township,南岭街道,Nanling,\n"
        "220102004,229999,township,孤儿街道,Orphan,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="229999"):
        call_command("import_regions", str(csv))
    assert not Region.objects.filter(code="220102003").exists()


@pytest.mark.parametrize(
    "row",
    [
        "22010200,220102,township,八位街道,,",  # 8 digits: no level has them
        "220102,220100,township,县级码街道,,",  # a county's code declared a township
        "220102001001,220102,township,村级码街道,,",  # a village's code declared a township
        "220100,220000,county,市级码区,,",  # a prefecture's code declared a county
    ],
)
def test_import_refuses_a_code_that_does_not_fit_its_level(reference_data, tmp_path, row):
    csv = tmp_path / "bad.csv"
    csv.write_text(f"code,parent,level,name_zh,name_en,note\n{row}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("import_regions", str(csv))


def test_regions_api(cast):
    client = api_client(cast.unit_manager)
    body = client.get("/api/v1/regions").json()
    assert body["count"] == 1 and body["items"][0]["code"] == "220000"
    body = client.get("/api/v1/regions?parent=220100&limit=100").json()
    codes = [r["code"] for r in body["items"]]
    assert "220102" in codes and "220184" in codes and "220171" in codes
    assert set(body) == {"items", "count"}
    body = client.get("/api/v1/regions?parent=220100&zones=false&limit=100").json()
    assert "220171" not in [r["code"] for r in body["items"]]
    missing = client.get("/api/v1/regions?parent=999999")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "未找到。", "code": "not_found", "errors": []}


def test_region_page_shows_children_and_departments(cast, client):
    client.force_login(cast.regulator)
    page = client.get("/regions/220100/").content.decode()
    assert "南关区" in page and "吉林省" in page
