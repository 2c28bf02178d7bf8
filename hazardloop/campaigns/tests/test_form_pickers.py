"""The campaign's forms choose regions, checklists and people with the search picker (names,
in the user's scope), and refuse a posted value the picker would not have offered."""

from urllib.parse import urlencode

from hazardloop.campaigns.models import Campaign, TaskForce
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.testing import web_client

FORM = {
    "region": "220102",
    "title": "国庆节前消防安全专项整治",
    "starts_on": "2022-09-28",
    "ends_on": "2022-10-31",
    "target_coverage_pct": 100,
}


def _copy(region_code, title):
    return ChecklistTemplate.objects.create(
        code=f"copy-{region_code}", region_code=region_code, title_zh=title
    )


def test_form_has_pickers_not_typed_codes(cast):
    page = web_client(cast.regulator).get("/campaigns/new/").content.decode()
    assert 'data-testid="scope_regions-search"' in page
    assert 'data-testid="checklists-search"' in page
    assert "one a line)" not in page and "codes" not in page.lower().split("<body")[1]


def test_region_picker_searches_names_in_scope(cast):
    client = web_client(cast.city_regulator)

    def search(q, picked=()):
        query = urlencode({"scope_regions-q": q, "scope_regions": list(picked)}, doseq=True)
        return client.get(f"/campaigns/pick/regions/?{query}").content.decode()

    assert 'value="220102"' in search("南关")
    assert 'value="220102"' in search("220102")  # by code too
    assert "南关区" in search("2201")
    # The neighbour county's regulator finds nothing of Nanguan.
    neighbour = web_client(cast.neighbour_regulator).get(
        "/campaigns/pick/regions/?" + urlencode({"scope_regions-q": "南关"})
    )
    assert 'value="220102"' not in neighbour.content.decode()
    # What was chosen comes back checked on the next search.
    assert 'value="220102" checked' in search("宽城", picked=["220102"])


def test_picked_regions_and_checklists_are_stored(cast):
    mine = _copy("220102", "南关区燃气专项检查表")
    response = web_client(cast.regulator).post(
        "/campaigns/new/", {**FORM, "scope_regions": ["220102"], "checklists": [mine.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.scope_regions == ["220102"]
    assert campaign.checklists == [str(mine.pk)]
    detail = web_client(cast.regulator).get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "南关区燃气专项检查表" in detail


def test_values_outside_scope_are_refused_and_the_rest_kept(cast):
    theirs = _copy("220103", "宽城区燃气专项检查表")
    mine = _copy("220102", "南关区燃气专项检查表")
    client = web_client(cast.regulator)
    response = client.post(
        "/campaigns/new/",
        {**FORM, "scope_regions": ["220102", "220103"], "checklists": [mine.pk, theirs.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "所选地区中有不在您管辖范围内的" in page
    assert "所选检查表中有您无权使用的" in page
    # What the user may choose stays chosen; the other is not shown.
    assert 'value="220102" checked' in page and 'value="220103"' not in page
    assert f'value="{mine.pk}" checked' in page and "宽城区燃气专项检查表" not in page
    assert 'value="国庆节前消防安全专项整治"' in page
    # Too many values, or nonsense, are refused the same way (never a 500).
    response = client.post("/campaigns/new/", {**FORM, "scope_regions": ["x" * 100]})
    assert response.status_code == 200 and not Campaign.objects.exists()


def test_task_force_members_come_from_the_picker(cast):
    campaign = make_campaign(cast.regulator, title="南关专项")
    client = web_client(cast.regulator)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="members-search"' in page and 'name="members" multiple' not in page
    found = client.get(
        f"/campaigns/{campaign.pk}/pick/members/?" + urlencode({"members-q": "t-"})
    ).content.decode()
    assert f'value="{cast.inspector.pk}"' in found and f'value="{cast.regulator.pk}"' in found
    assert f'value="{cast.neighbour_inspector.pk}"' not in found
    assert f'value="{cast.unit_manager.pk}"' not in found
    # A posted id the picker would not offer is refused; nothing is set up.
    client.post(
        f"/campaigns/{campaign.pk}/task-force/",
        {"name": "燃气专班", "members": [cast.inspector.pk, cast.neighbour_inspector.pk]},
    )
    assert not TaskForce.objects.exists()
    client.post(
        f"/campaigns/{campaign.pk}/task-force/",
        {"name": "燃气专班", "members": [cast.inspector.pk, cast.regulator.pk]},
    )
    force = TaskForce.objects.get()
    assert set(force.members.values_list("user_id", flat=True)) == {
        cast.inspector.pk,
        cast.regulator.pk,
    }


def test_api_refuses_checklists_the_caller_may_not_use(cast):
    from hazardloop.testing import api_client

    theirs = _copy("220103", "宽城区燃气专项检查表")
    mine = _copy("220102", "南关区燃气专项检查表")
    api = api_client(cast.regulator)
    body = {**FORM, "checklists": [str(theirs.pk)]}
    body.pop("target_coverage_pct")
    response = api.post("/api/v1/campaigns", body, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "bad_checklist"
    assert not Campaign.objects.exists()
    body["checklists"] = [str(mine.pk), mine.code]
    response = api.post("/api/v1/campaigns", body, content_type="application/json")
    assert response.status_code == 201
    assert Campaign.objects.get().checklists == [str(mine.pk), mine.code]
