"""Publicity activities: recorded by every level and by units, counted per campaign (with its
adoptions below) and region (`queries.counts`, what the dashboard reads), shown on the
campaign's page; refusals with nothing saved; query budgets."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazardloop.audit.models import AuditEvent
from hazardloop.campaigns.services import adopt_campaign
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.drills.tests.factories import pdf_upload
from hazardloop.evidence.imaging import PhotoError
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.publicity.models import Activity
from hazardloop.publicity.queries import counts
from hazardloop.publicity.tests.factories import make_activity
from hazardloop.regions.models import Region
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def campaign(cast):
    """The province's campaign, adopted by the city and by Nanguan county."""
    province = make_campaign(
        cast.province_regulator, "220000", title="冬春火灾防控", starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 3, 31),
    )  # fmt: skip
    city = adopt_campaign(
        province, actor=cast.city_regulator, region=Region.objects.get(code="220100")
    )
    county = adopt_campaign(city, actor=cast.regulator, region=Region.objects.get(code="220102"))
    return province, city, county


def _at_every_level(cast, campaign):
    province, city, county = campaign
    make_activity(cast.province_regulator, region_code="220000", campaign=province,
                  kind="media", reach=100000, held_on=TODAY)  # fmt: skip
    make_activity(cast.city_regulator, region_code="220100", campaign=city,
                  kind="wechat", reach=20000, held_on=TODAY)  # fmt: skip
    make_activity(cast.regulator, region_code="220102", campaign=county,
                  kind="open_day", reach=300, held_on=TODAY)  # fmt: skip
    make_activity(cast.unit_manager, unit=cast.unit, campaign=province,
                  kind="poster", reach=80, held_on=TODAY - dt.timedelta(days=3))  # fmt: skip
    make_activity(cast.neighbour_regulator, region_code="220103", campaign=province,
                  kind="training_day", reach=60, held_on=TODAY)  # fmt: skip
    make_activity(cast.regulator, region_code="220102", kind="notice", reach=5, held_on=TODAY)


def test_counts_by_region_campaign_and_days(cast, campaign):
    _at_every_level(cast, campaign)
    province, _city, county = campaign
    everything = counts("220000")
    assert everything["activities"] == 6 and everything["reach"] == 120445
    assert everything["by_level"]["province"] == {"activities": 1, "reach": 100000}
    assert everything["by_level"]["unit"] == {"activities": 1, "reach": 80}
    assert everything["by_kind"]["notice"] == {"activities": 1, "reach": 5}
    # The province's campaign counts its adoptions' activities; not the one outside it.
    of_campaign = counts("220000", campaign_id=province.pk)
    assert of_campaign["activities"] == 5 and of_campaign["reach"] == 120440
    # The county's copy counts only what lies under it.
    assert counts("220000", campaign_id=county.pk)["activities"] == 1
    nanguan = counts("220102", campaign_id=province.pk)
    assert nanguan["activities"] == 2 and nanguan["reach"] == 380
    assert counts("220102", since=TODAY)["activities"] == 2
    assert counts("220102", until=TODAY - dt.timedelta(days=1))["activities"] == 1
    assert counts("220103")["by_kind"]["training_day"] == {"activities": 1, "reach": 60}
    assert counts("220104") == {**counts("220104"), "activities": 0, "reach": 0}


def test_every_level_and_unit_records_and_each_write_is_audited(cast, campaign):
    _at_every_level(cast, campaign)
    page = web_client(cast.city_regulator).get("/publicity/?region=220102").content.decode()
    assert "南关区" in page and "220102" not in page.split("<main", 1)[-1].split('name="region"')[0]
    levels = sorted(Activity.objects.values_list("level", flat=True))
    assert levels == ["city", "county", "county", "county", "province", "unit"]
    assert AuditEvent.objects.filter(action="publicity.recorded").count() == 6


def test_who_may_record_where(cast, campaign):
    with pytest.raises(PermissionDenied):  # not the neighbour's county
        make_activity(cast.neighbour_regulator, region_code="220102")
    with pytest.raises(PermissionDenied):  # an inspector reads only
        make_activity(cast.inspector, region_code="220102")
    with pytest.raises(PermissionDenied):  # another unit's manager
        make_activity(cast.other_unit_manager, unit=cast.unit)
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "parade"}, "kind"),
        ({"reach": -1}, "reach"),
        ({"title": "  "}, "title"),
        ({"held_on": "future"}, "held_on"),
        ({"held_on": dt.date(2026, 10, 1)}, "held_on"),  # before the campaign
        ({"region_code": "220103", "actor": "neighbour"}, "campaign"),  # county's copy: not there
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(cast, campaign, fields, field):
    county = campaign[2]
    fields = dict(fields)
    actor = cast.neighbour_regulator if fields.pop("actor", None) else cast.regulator
    if fields.get("held_on") == "future":
        fields["held_on"] = timezone.localdate() + dt.timedelta(days=5)
    fields.setdefault("region_code", "220102")
    fields.setdefault("held_on", TODAY)
    with pytest.raises(ValidationError) as exc:
        make_activity(actor, campaign=county, **fields)
    assert field in exc.value.message_dict
    assert not Activity.objects.exists()


def test_a_bad_photo_or_document_saves_nothing(cast):
    with pytest.raises(PhotoError):
        make_activity(cast.regulator, region_code="220102",
                      uploads=[SimpleUploadedFile("a.jpg", b"not an image")])  # fmt: skip
    with pytest.raises(PhotoError):
        make_activity(cast.regulator, region_code="220102",
                      document=SimpleUploadedFile("a.pdf", b"%PDF-1.4 cut"))  # fmt: skip
    assert not Activity.objects.exists()


def test_the_campaign_page_shows_its_publicity(cast, campaign):
    _at_every_level(cast, campaign)
    province = campaign[0]
    page = web_client(cast.province_regulator).get(f"/campaigns/{province.pk}/").content.decode()
    assert 'data-testid="publicity-panel"' in page
    assert "5次活动，覆盖120440人" in page
    # A county sees what lies in its scope: its own, its unit's, not the neighbour's.
    page = web_client(cast.regulator).get(f"/campaigns/{province.pk}/").content.decode()
    assert "2次活动，覆盖380人" in page


def test_the_page_records_with_photos_and_a_file(cast, campaign):
    county = campaign[2]
    client = web_client(cast.unit_manager)
    form = client.get(f"/publicity/new/?campaign={county.pk}").content.decode()
    assert f'value="u{cast.unit.pk}"' in form and 'value="r220102"' not in form
    response = client.post(
        "/publicity/new/",
        {
            "place": f"u{cast.unit.pk}", "campaign": str(county.pk), "kind": "poster",
            "held_on": TODAY.isoformat(), "reach": "150", "title": "门口张贴消防海报",
            "photos": [SimpleUploadedFile("p.jpg", jpeg_bytes(comment="poster"))],
            "document": pdf_upload(),
        },
    )  # fmt: skip
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/publicity/{activity.pk}/"
    assert activity.unit == cast.unit and activity.photos.count() == 1 and activity.file
    page = client.get(f"/publicity/{activity.pk}/").content.decode()
    assert "门口张贴消防海报" in page and cast.unit.name in page
    bad = client.post(
        "/publicity/new/",
        {"place": f"u{cast.unit.pk}", "kind": "poster", "held_on": TODAY.isoformat(),
         "reach": "-3", "title": "x"},
    )  # fmt: skip
    assert bad.status_code == 422 and Activity.objects.count() == 1


def test_api_lists_with_filters(cast, campaign):
    _at_every_level(cast, campaign)
    province = campaign[0]
    api = api_client(cast.city_regulator)
    assert api.get("/api/v1/publicity").json()["count"] == 5  # not the province's own
    assert api.get(f"/api/v1/publicity?campaign={province.pk}").json()["count"] == 4
    assert api.get("/api/v1/publicity?region=220102").json()["count"] == 3
    assert api.get("/api/v1/publicity?kind=wechat").json()["items"][0]["reach"] == 20000
    assert api.get("/api/v1/publicity?region=xx").json()["count"] == 0


# Measured on SQLite for a county regulator: the page 11 (session, user, memberships, the menu's
# counts, the count, the rows, their regions' names, the regions of the filter), the API 5
# (token, memberships, the count, the rows, their photos); neither grows with rows.
PAGE_BUDGET = 11
API_BUDGET = 5


def test_list_page_and_api_stay_within_their_query_budgets(cast):
    for n in range(3):
        make_activity(cast.regulator, region_code="220102", title=f"宣传{n}")
    client, api = web_client(cast.regulator), api_client(cast.regulator)
    client.get("/publicity/")
    api.get("/api/v1/publicity")
    with CaptureQueriesContext(connection) as page:
        assert client.get("/publicity/").status_code == 200
    with CaptureQueriesContext(connection) as listed:
        assert api.get("/api/v1/publicity").json()["count"] == 3
    for n in range(6):
        make_activity(cast.unit_manager, unit=cast.unit, title=f"单位宣传{n}")
    with CaptureQueriesContext(connection) as page_more:
        client.get("/publicity/")
    with CaptureQueriesContext(connection) as listed_more:
        assert api.get("/api/v1/publicity").json()["count"] == 9
    assert len(page) <= PAGE_BUDGET and len(page_more) == len(page)
    assert len(listed) <= API_BUDGET and len(listed_more) == len(listed)
