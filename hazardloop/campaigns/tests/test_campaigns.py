import datetime as dt

import pytest

from hazardloop.campaigns import drawing, pools, services
from hazardloop.campaigns.choices import CampaignStatus, TaskSource
from hazardloop.campaigns.draw import (
    DrawError,
    eligible,
    read_people,
    read_units,
    run_draw,
    undrawable,
)
from hazardloop.campaigns.models import Campaign, InspectionTask, SelfInspectionInvite
from hazardloop.campaigns.scoping import units_in_scope
from hazardloop.campaigns.tests.factories import END, START, make_campaign
from hazardloop.notifications.models import Notification
from hazardloop.regions.models import Region
from hazardloop.testing import make_unit, web_client

pytestmark = pytest.mark.django_db


def test_cascade_narrows_scope_and_adds_items(cast):
    lpg = make_unit("220102", gas_use="bottled_lpg")
    make_unit("220102", gas_use="pipeline")
    crowded_lpg = make_unit("220103", gas_use="bottled_lpg", is_crowded_place=True)
    province = make_campaign(
        cast.province_regulator,
        "220000",
        sectors=["catering"],
        unit_filters=["bottled_lpg", "alcohol_fuel"],
        focus_items=["瓶装液化石油气"],
    )
    city = services.adopt_campaign(
        province,
        actor=cast.city_regulator,
        region=Region.objects.get(code="220100"),
        focus_items=["生命通道"],
    )
    county = services.adopt_campaign(
        city, actor=cast.regulator, region=Region.objects.get(code="220102")
    )
    assert city.status == county.status == CampaignStatus.ACTIVE
    assert county.root_id == province.pk
    in_province = set(units_in_scope(province).values_list("pk", flat=True))
    assert {lpg.pk, crowded_lpg.pk} <= in_province
    assert set(units_in_scope(county).values_list("pk", flat=True)) == {lpg.pk}
    # A city narrows the filters further (crowded places only): an AND across levels.
    other_city = services.adopt_campaign(
        province, actor=cast.province_regulator, region=Region.objects.get(code="220200")
    )
    assert other_city.parent_id == province.pk
    from hazardloop.campaigns.scoping import effective_scope

    scope = effective_scope(county)
    assert scope.focus_items == ["瓶装液化石油气", "生命通道"]
    # Adopting twice returns the first adoption.
    again = services.adopt_campaign(
        city, actor=cast.regulator, region=Region.objects.get(code="220102")
    )
    assert again.pk == county.pk


def test_adoption_rules(cast):
    province = make_campaign(cast.province_regulator, "220000", sectors=["catering"])
    with pytest.raises(services.CampaignInputError):  # not directly below
        services.adopt_campaign(
            province, actor=cast.regulator, region=Region.objects.get(code="220102")
        )
    with pytest.raises(services.CampaignInputError):  # widening sectors
        services.adopt_campaign(
            province,
            actor=cast.city_regulator,
            region=Region.objects.get(code="220100"),
            sectors=["lodging"],
        )
    with pytest.raises(services.CampaignInputError):
        make_campaign(cast.regulator, ends_on=START - dt.timedelta(days=1))
    with pytest.raises(services.CampaignInputError):
        make_campaign(cast.regulator, scope_regions=["220103"])  # outside Nanguan
    assert Campaign.objects.count() == 1


def test_each_level_sees_its_own_and_its_childrens(cast):
    province = make_campaign(cast.province_regulator, "220000")
    city = services.adopt_campaign(
        province, actor=cast.city_regulator, region=Region.objects.get(code="220100")
    )
    county = services.adopt_campaign(
        city, actor=cast.regulator, region=Region.objects.get(code="220102")
    )
    neighbour = make_campaign(cast.neighbour_regulator, "220103")

    def visible(user):
        return set(Campaign.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(cast.province_regulator) >= {province.pk, city.pk, county.pk, neighbour.pk}
    assert visible(cast.city_regulator) >= {province.pk, city.pk, county.pk, neighbour.pk}
    assert visible(cast.regulator) == {province.pk, city.pk, county.pk}
    assert visible(cast.neighbour_regulator) == {province.pk, city.pk, neighbour.pk}
    assert visible(cast.unit_manager) == {province.pk, city.pk, county.pk}
    assert web_client(cast.neighbour_regulator).get(f"/campaigns/{county.pk}/").status_code == 404


def test_draw_is_reproducible_from_its_seed(cast):
    townships = ["220102001", "220102002", "220102003"]
    units = [[i, f"{townships[i % 3]}{i % 5:03d}", "catering"] for i in range(1, 40)]
    people = [[100 + i, townships[i % 3], [["220102", []]], []] for i in range(12)]
    kwargs = {
        "seed": "2022-09-28",
        "unit_count": 10,
        "inspectors_per_unit": 2,
        "exclude_same_township": True,
    }
    first = run_draw(units, people, **kwargs)
    assert first == run_draw(list(reversed(units)), list(reversed(people)), **kwargs)
    assert first != run_draw(units, people, **{**kwargs, "seed": "other"})
    homes = {p[0]: p[1] for p in people}
    codes = {u[0]: u[1] for u in units}
    for row in first:
        assert len(row["inspectors"]) == 2
        assert all(homes[p][:9] != codes[row["unit"]][:9] for p in row["inspectors"])


def test_draw_keeps_to_each_inspector_s_coverage_and_conflicts():
    units = [
        [1, "220102001001", "catering"],
        [2, "220103001001", "catering"],
        [3, "220102001002", "hazchem"],
        [4, "220102002001", "catering"],
    ]
    people = [
        [10, "220102", [["220102", []]], [4]],  # Nanguan, every sector; tied to unit 4
        [11, "220103", [["220103", []]], []],  # Kuancheng
        [12, "220102", [["220102", ["catering", "retail"]]], []],  # Nanguan, catering/retail
        [13, "220102001", [["220102", []]], []],  # lives in township 001
    ]
    found = eligible(read_units(units), read_people(people), exclude_same_township=True)
    assert found == {1: [10, 12], 2: [11], 3: [10], 4: [12, 13]}
    assert undrawable(units, people, inspectors_per_unit=2, exclude_same_township=True) == {
        2: 1,
        3: 1,
    }
    # Which units can be drawn does not depend on the seed: too many asked is refused for all.
    for seed in ("a", "b", "c"):
        with pytest.raises(DrawError) as refused:
            run_draw(
                units,
                people,
                seed=seed,
                unit_count=3,
                inspectors_per_unit=2,
                exclude_same_township=True,
            )
        assert (refused.value.drawable, refused.value.total) == (2, 4)
    rows = run_draw(
        units, people, seed="a", unit_count=2, inspectors_per_unit=2, exclude_same_township=True
    )
    assert {r["unit"]: r["inspectors"] for r in rows} == {1: [10, 12], 4: [12, 13]}
    # A pool recorded before coverage was kept (two items a row) covers every unit.
    legacy = run_draw(
        [u[:2] for u in units],
        [p[:2] for p in people],
        seed="a",
        unit_count=4,
        inspectors_per_unit=1,
        exclude_same_township=False,
    )
    assert {r["unit"] for r in legacy} == {1, 2, 3, 4}


def test_draw_service_records_pools_and_tasks(cast):
    campaign = make_campaign(cast.regulator)
    draw = drawing.draw_units(
        campaign,
        actor=cast.regulator,
        unit_count=2,
        inspectors_per_unit=1,
        exclude_same_township=False,
        seed="abc",
    )
    assert drawing.reproduce_draw(draw) == draw.result
    assert InspectionTask.objects.filter(draw=draw, source=TaskSource.DRAW).count() == 2
    assert {row[0] for row in draw.unit_pool} == {cast.unit.pk, cast.other_unit.pk}
    response = web_client(cast.regulator).get(f"/campaigns/draws/{draw.pk}/")
    assert 'data-testid="draw-reproduced"' in response.content.decode()
    with pytest.raises(services.CampaignInputError):
        drawing.draw_units(campaign, actor=cast.regulator, unit_count=5, inspectors_per_unit=1)
    drawing.publish_draw(draw, actor=cast.regulator)
    assert draw.published_at is not None


def test_task_list_and_invitations_are_idempotent(cast):
    campaign = make_campaign(cast.regulator)
    assert services.generate_tasks(campaign, actor=cast.regulator, due_on=END) == 2
    assert services.generate_tasks(campaign, actor=cast.regulator, due_on=END) == 0
    with pytest.raises(services.CampaignInputError):
        services.generate_tasks(campaign, actor=cast.regulator, due_on=END + dt.timedelta(days=1))
    assert services.invite_self_inspection(campaign, actor=cast.regulator, due_on=END) == 2
    assert services.invite_self_inspection(campaign, actor=cast.regulator, due_on=END) == 0
    assert SelfInspectionInvite.objects.filter(campaign=campaign).count() == 2
    assert Notification.objects.filter(recipient=cast.unit_manager).count() == 1


def test_task_force_of_cadres_and_experts(cast):
    campaign = make_campaign(cast.regulator)
    force = services.create_task_force(
        campaign,
        actor=cast.regulator,
        name="燃气专班",
        members=[(cast.inspector, "cadre"), (cast.expert, "expert")],
    )
    assert sorted(force.members.values_list("role", flat=True)) == ["cadre", "expert"]
    # The experts' department (emergency management) supervises the sectors it is given; the
    # test departments list none, so both cover every sector of their region.
    assert pools.inspector_pool(campaign) == sorted(
        [
            [cast.inspector.pk, "220102", [["220102", []]], []],
            [cast.expert.pk, "220100", [["2201", []]], []],
        ]
    )


def test_inspector_may_not_act_and_bad_input_changes_nothing(cast):
    campaign = make_campaign(cast.regulator)
    assert (
        web_client(cast.inspector)
        .post(f"/campaigns/{campaign.pk}/tasks/", {"due_on": "2022-10-20"})
        .status_code
        == 403
    )
    response = web_client(cast.regulator).post(
        f"/campaigns/{campaign.pk}/tasks/", {"due_on": "not a date"}, follow=True
    )
    assert InspectionTask.objects.count() == 0
    assert response.status_code == 200


def test_create_through_form_and_api(cast):
    client = web_client(cast.regulator)
    response = client.post(
        "/campaigns/new/",
        {
            "region": "220102",
            "title": "国庆节前消防安全专项整治",
            "starts_on": "2022-09-28",
            "ends_on": "2022-10-31",
            "unit_filters": ["bottled_lpg"],
            "target_coverage_pct": 100,
            "focus_items": "瓶装液化石油气\n生命通道",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.focus_items == ["瓶装液化石油气", "生命通道"]
    from hazardloop.testing import api_client

    api = api_client(cast.regulator)
    body = {"region": "220102", "title": "API", "starts_on": "2022-10-01", "ends_on": "2022-09-01"}
    bad = api.post("/api/v1/campaigns", body, content_type="application/json")
    assert bad.status_code == 422 and Campaign.objects.count() == 1
    body["ends_on"] = "2022-10-30"
    body["idempotency_key"] = "k1"
    assert api.post("/api/v1/campaigns", body, content_type="application/json").status_code == 201
    assert api.post("/api/v1/campaigns", body, content_type="application/json").status_code == 201
    assert Campaign.objects.count() == 2
    progress = api.get(f"/api/v1/campaigns/{campaign.pk}/progress").json()
    assert progress["campaign"] == campaign.pk


def test_list_query_budget(cast, django_assert_max_num_queries):
    for i in range(5):
        make_campaign(cast.regulator, title=f"专项{i}")
    client = web_client(cast.regulator)
    # 14: the menu's to-do count (computed once a minute per person) counts the accident reports
    # waiting and the accountability proposals too.
    with django_assert_max_num_queries(14):
        assert client.get("/campaigns/").status_code == 200
    from hazardloop.testing import api_client

    api = api_client(cast.regulator)
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/campaigns").status_code == 200
