"""Double-random draws reach the right people: only inspectors whose scope covers the unit,
never one tied to it or from its township; each drawn inspector told once; one open task per
unit and campaign whatever order the task lists and draws come in."""

import datetime as dt
import importlib
from collections import Counter

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.db.models import Count

from hazardloop.accounts.access import scope_for
from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.campaigns import drawing, services
from hazardloop.campaigns.choices import TaskSource, TaskStatus
from hazardloop.campaigns.models import InspectionTask, RandomDraw
from hazardloop.campaigns.progress import progress
from hazardloop.campaigns.scoping import units_in_scope
from hazardloop.campaigns.tests.factories import END, make_campaign
from hazardloop.notifications.models import Notification
from hazardloop.regions.choices import DepartmentKind
from hazardloop.regions.models import Region
from hazardloop.testing import make_department, make_unit, make_user, web_client

pytestmark = pytest.mark.django_db

COUNTIES = ["220102", "220103", "220104", "220105"]
SECTORS = ["catering", "lodging", "retail", "hazchem", "education"]


def _townships() -> dict[str, list[str]]:
    out = {}
    for county in COUNTIES:
        out[county] = []
        for k in (1, 2, 3):
            code = f"{county}{k:03d}"
            Region.objects.get_or_create(
                code=code,
                defaults={
                    "parent_id": county,
                    "level": "township",
                    "name_zh": f"{county}第{k}街道",
                    "name_en": f"Street {k} of {county}",
                },
            )
            out[county].append(code)
    return out


def _inspector(region, kind=DepartmentKind.FIRE, role=Role.INSPECTOR, sectors=None):
    user = make_user(None, role, region=region, kind=kind, password=None)
    if sectors is not None:
        make_department(region, kind).sectors.set(sectors)
    return user


def _province(cast):
    """520 units over four districts and their streets, five sectors; 40+ inspectors and
    experts: district ones (some supervising only catering and retail, some also posted to a
    street, some tied to a unit), city ones, street-only ones, and a city outside the campaign."""
    streets = _townships()
    units = []
    for i in range(520):
        county = COUNTIES[i % 4]
        code = county if i % 7 == 0 else streets[county][(i // 4) % 3]
        units.append(make_unit(code, sector=SECTORS[i % 5], name=f"抽查单位{i:03d}"))
    people = {"street_posted": [], "street_only": [], "tied": [], "market": [], "others": []}
    for n, county in enumerate(COUNTIES):
        for k in range(4):
            user = _inspector(county)
            if k < 2:  # also posted to a street: that street is their home
                street = streets[county][k]
                Membership.objects.create(
                    user=user,
                    role=Role.INSPECTOR,
                    department=make_department(street, DepartmentKind.FIRE),
                    region_id=street,
                )
                people["street_posted"].append((user, street))
            else:
                people["others"].append(user)
        for _k in range(2):
            people["market"].append(
                _inspector(county, DepartmentKind.MARKET, sectors=["catering", "retail"])
            )
        # Tied to a unit of their district (its manager's deputy, say): never drawn for it.
        tied = _inspector(county)
        unit = next(u for u in units if u.region_id.startswith(county))
        Membership.objects.create(
            user=tied, role=Role.UNIT_SAFETY_OFFICER, unit=unit, region_id=unit.region_id
        )
        people["tied"].append((tied, unit))
        people["street_only"].append(_inspector(streets[county][n % 3]))
        people["others"].append(
            _inspector(county, DepartmentKind.EMERGENCY, Role.EXPERT, sectors=["hazchem"])
        )
    for _k in range(4):
        people["others"].append(_inspector("220100"))
    outside = [_inspector("220202") for _k in range(3)]
    return units, people, outside


def _coverage_ok(user, unit) -> bool:
    """Worked out again from the memberships: a department membership that may inspect, whose
    region contains the unit's and whose department supervises its sector (or every sector)."""
    if not scope_for(User.objects.get(pk=user), "inspection.create").covers(unit.region_id):
        return False
    for m in Membership.objects.filter(user_id=user, unit__isnull=True, is_active=True):
        sectors = (
            set(m.department.sectors.values_list("code", flat=True)) if m.department else set()
        )
        if unit.region_id.startswith(m.region.prefix) and (
            not sectors or unit.sector_id in sectors
        ):
            return True
    return False


def _open_duplicates():
    return list(
        InspectionTask.objects.filter(status=TaskStatus.OPEN)
        .values("root_id", "unit_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )


def test_a_draw_over_500_units_and_40_inspectors_reaches_only_the_right_people(cast):
    units, people, outside = _province(cast)
    campaign = make_campaign(cast.city_regulator, "220100")
    pool_people = len(drawing.pools.inspector_pool(campaign))
    assert pool_people >= 40
    in_scope = units_in_scope(campaign).count()
    assert in_scope >= 500
    draw = drawing.draw_units(
        campaign,
        actor=cast.city_regulator,
        unit_count=300,
        inspectors_per_unit=2,
        exclude_same_township=True,
        seed="2026-12-04",
    )
    assert drawing.reproduce_draw(draw) == draw.result
    by_id = {u.pk: u for u in units} | {
        u.pk: u for u in (cast.unit, cast.other_unit, cast.neighbour_unit)
    }
    street_of = {u.pk: s for u, s in people["street_posted"]}
    tied = {(u.pk, unit.pk) for u, unit in people["tied"]}
    street_only = {u.pk for u in people["street_only"]}
    outsiders = {u.pk for u in outside}
    drawn_people: Counter = Counter()
    assert len(draw.result) == 300
    for row in draw.result:
        unit = by_id[row["unit"]]
        assert len(set(row["inspectors"])) == 2
        for person in row["inspectors"]:
            drawn_people[person] += 1
            assert _coverage_ok(person, unit), (person, unit.region_id, unit.sector_id)
            assert (person, unit.pk) not in tied
            assert not unit.region_id.startswith(street_of.get(person, "-")), "own street"
            assert person not in street_only and person not in outsiders
    # Somebody of each kind was drawn where allowed: the rule did not just empty the pool.
    assert set(street_of) & set(drawn_people)
    assert {u.pk for u, _unit in people["tied"]} & set(drawn_people)
    assert {u.pk for u in people["market"]} & set(drawn_people)
    # Each drawn unit has exactly its one open task, naming the drawn inspectors.
    tasks = {t.unit_id: t for t in InspectionTask.objects.filter(draw=draw)}
    assert len(tasks) == 300
    for row in draw.result:
        assert sorted(tasks[row["unit"]].inspectors.values_list("pk", flat=True)) == sorted(
            row["inspectors"]
        )
    # Each drawn inspector is told exactly once, with their own units; nobody else is.
    told = Notification.objects.filter(key=f"campaign.draw.{draw.pk}")
    assert Counter(told.values_list("recipient_id", flat=True)) == dict.fromkeys(drawn_people, 1)
    for note in told:
        assert note.params["count"] == str(drawn_people[note.recipient_id])
        assert note.link == f"/campaigns/tasks/mine/?draw={draw.pk}"
    # The task list afterwards (twice) reuses the drawn tasks: one open task per unit.
    added = services.generate_tasks(campaign, actor=cast.city_regulator, due_on=END)
    assert added == in_scope - 300
    assert services.generate_tasks(campaign, actor=cast.city_regulator, due_on=END) == 0
    assert InspectionTask.objects.filter(root_id=campaign.pk).count() == in_scope
    assert not _open_duplicates()
    # A district taking up the campaign takes over its units' tasks, drawn ones included.
    county = services.adopt_campaign(
        campaign, actor=cast.regulator, region=Region.objects.get(code="220102")
    )
    nanguan = units_in_scope(county).count()
    assert services.generate_tasks(county, actor=cast.regulator, due_on=END) == nanguan
    assert services.generate_tasks(county, actor=cast.regulator, due_on=END) == 0
    assert InspectionTask.objects.filter(campaign=county).count() == nanguan
    assert InspectionTask.objects.filter(root_id=campaign.pk).count() == in_scope
    assert not _open_duplicates()
    totals = progress(cast.city_regulator, campaign)["totals"]
    assert totals["tasks"] == totals["units_in_scope"] == in_scope
    # A second draw skips the units drawn already, and tells only its own inspectors.
    again = drawing.draw_units(
        campaign, actor=cast.city_regulator, unit_count=50, inspectors_per_unit=1, seed="x"
    )
    assert not {r["unit"] for r in again.result} & set(tasks)
    assert InspectionTask.objects.filter(root_id=campaign.pk).count() == in_scope
    assert Notification.objects.filter(key=f"campaign.draw.{draw.pk}").count() == len(drawn_people)
    assert not _open_duplicates()


def test_a_unit_short_of_eligible_inspectors_is_reported_not_drawn(cast):
    """cast: Nanguan has one inspector (and none from other districts in its pool)."""
    campaign = make_campaign(cast.regulator)
    with pytest.raises(services.CampaignInputError) as refused:
        drawing.draw_units(campaign, actor=cast.regulator, unit_count=1, inspectors_per_unit=2)
    assert "0" in str(refused.value) and "2" in str(refused.value)
    assert not RandomDraw.objects.exists() and not Notification.objects.exists()
    assert not InspectionTask.objects.exists()
    # The unit the inspector manages cannot be drawn for them: only the other one can.
    Membership.objects.create(
        user=cast.inspector, role=Role.UNIT_MANAGER, unit=cast.unit, region_id="220102"
    )
    draw = drawing.draw_units(
        campaign, actor=cast.regulator, unit_count=1, inspectors_per_unit=1, seed="s"
    )
    assert draw.result == [{"unit": cast.other_unit.pk, "inspectors": [cast.inspector.pk]}]
    assert drawing.undrawable_units(draw) == {cast.unit.pk: 0}
    page = web_client(cast.regulator).get(f"/campaigns/draws/{draw.pk}/").content.decode()
    assert 'data-testid="draw-left-out"' in page and cast.unit.name in page


def test_list_first_then_draw_reuses_the_open_tasks(cast):
    campaign = make_campaign(cast.regulator)
    assert services.generate_tasks(campaign, actor=cast.regulator, due_on=END) == 2
    draw = drawing.draw_units(
        campaign,
        actor=cast.regulator,
        unit_count=2,
        inspectors_per_unit=1,
        seed="s",
        due_on=END - dt.timedelta(days=3),
    )
    tasks = list(InspectionTask.objects.filter(campaign=campaign))
    assert len(tasks) == 2
    assert {t.draw_id for t in tasks} == {draw.pk}
    assert {t.source for t in tasks} == {TaskSource.LIST}
    assert {t.due_on for t in tasks} == {END - dt.timedelta(days=3)}
    assert services.generate_tasks(campaign, actor=cast.regulator, due_on=END) == 0
    assert Notification.objects.filter(recipient=cast.inspector).count() == 1


def test_the_database_refuses_a_second_open_task(cast):
    campaign = make_campaign(cast.regulator)
    services.generate_tasks(campaign, actor=cast.regulator, due_on=END)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionTask.objects.create(
            campaign=campaign,
            root=campaign,
            unit=cast.unit,
            region_code="220102",
            source=TaskSource.DRAW,
            due_on=END,
        )
    task = InspectionTask.objects.get(unit=cast.unit)
    InspectionTask.objects.filter(pk=task.pk).update(status=TaskStatus.DONE)
    InspectionTask.objects.create(  # once done, a re-inspection may be set
        campaign=campaign,
        root=campaign,
        unit=cast.unit,
        region_code="220102",
        source=TaskSource.DRAW,
        due_on=END,
    )


def test_the_migration_merges_existing_duplicates(cast):
    """What 0002 does to the rows of before: a city's and a county's list task and a drawn task
    of one unit become the drawn one, with the earliest due date; the others are cancelled."""
    city = make_campaign(cast.city_regulator, "220100")
    county = services.adopt_campaign(
        city, actor=cast.regulator, region=Region.objects.get(code="220102")
    )
    draw = RandomDraw.objects.create(
        campaign=county, region_code="220102", seed="s", unit_count=1, drawn_at=city.created_at
    )
    rows = [
        (city, TaskSource.LIST, END - dt.timedelta(days=9), None),
        (county, TaskSource.LIST, END, None),
        (county, TaskSource.DRAW, END - dt.timedelta(days=1), draw),
    ]
    made = [
        InspectionTask.objects.create(
            campaign=c, unit=cast.unit, region_code="220102", source=s, due_on=d, draw=w
        )
        for c, s, d, w in rows
    ]
    made[0].inspectors.add(cast.inspector)
    single = InspectionTask.objects.create(
        campaign=city, unit=cast.other_unit, region_code="220102", source="list", due_on=END
    )
    module = importlib.import_module("hazardloop.campaigns.migrations.0002_task_root")
    module.fill_root_and_merge(django_apps, None)
    kept = InspectionTask.objects.get(unit=cast.unit, status=TaskStatus.OPEN)
    assert kept.pk == made[2].pk and kept.root_id == city.pk
    assert kept.due_on == END - dt.timedelta(days=9)
    assert list(kept.inspectors.all()) == [cast.inspector]
    assert InspectionTask.objects.filter(status=TaskStatus.CANCELLED).count() == 2
    single.refresh_from_db()
    assert single.root_id == city.pk and single.status == TaskStatus.OPEN
    assert not _open_duplicates()
    assert progress(cast.city_regulator, city)["totals"]["tasks"] == 2  # not the cancelled


def test_my_tasks_lists_what_was_drawn_for_me(cast, django_assert_max_num_queries):
    campaign = make_campaign(cast.regulator, checklists=["fire-life-channels"])
    draw = drawing.draw_units(
        campaign, actor=cast.regulator, unit_count=2, inspectors_per_unit=1, seed="s"
    )
    client = web_client(cast.inspector)
    with django_assert_max_num_queries(14):
        page = client.get(f"/campaigns/tasks/mine/?draw={draw.pk}").content.decode()
    assert cast.unit.name in page and cast.other_unit.name in page
    assert 'data-testid="inspect"' in page
    assert (
        cast.unit.name
        not in web_client(cast.regulator).get("/campaigns/tasks/mine/").content.decode()
    )
    note = Notification.objects.get(recipient=cast.inspector)
    assert note.link == f"/campaigns/tasks/mine/?draw={draw.pk}"
    assert client.get(note.link).status_code == 200
    listed = client.get(f"/campaigns/{campaign.pk}/task-list/").content.decode()
    assert 'data-testid="task-inspectors"' in listed


def test_drawing_from_the_campaign_page(cast):
    campaign = make_campaign(cast.regulator)
    client = web_client(cast.regulator)
    response = client.post(
        f"/campaigns/{campaign.pk}/draw/",
        {"unit_count": "2", "inspectors_per_unit": "1", "seed": "page"},
        follow=True,
    )
    draw = RandomDraw.objects.get()
    assert response.redirect_chain[-1][0] == f"/campaigns/draws/{draw.pk}/"
    page = response.content.decode()
    assert "已抽取 2 家单位，已通知抽中的 1 名检查人员。" in page
    assert str(cast.inspector) in page
    refused = client.post(
        f"/campaigns/{campaign.pk}/draw/", {"unit_count": "1", "inspectors_per_unit": "3"}
    )
    assert refused.status_code == 302 and RandomDraw.objects.count() == 1
