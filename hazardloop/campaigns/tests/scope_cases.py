import json

from hazardloop.campaigns import drawing, services
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.testing import ALLOW, DENY, HIDE, LOGIN, ScopeCase, scope_expectations


def _campaign(cast):
    return make_campaign(cast.regulator, title="南关国庆专项整治")


def _draw(cast):
    campaign = _campaign(cast)
    return drawing.draw_units(
        campaign,
        actor=cast.regulator,
        unit_count=1,
        inspectors_per_unit=1,
        exclude_same_township=False,
        seed="scope",
    )


def _task(cast):
    campaign = _campaign(cast)
    services.generate_tasks(campaign, actor=cast.regulator, due_on=campaign.ends_on)
    return campaign.tasks.get(unit=cast.unit)


def _drawn_task(cast):
    draw = _draw(cast)
    return draw.tasks.select_related("unit").get()


# The tasks drawn for cast.inspector: only they see them on their own list.
MINE = {
    "anonymous": LOGIN,
    "inspector": ALLOW,
    "admin": HIDE,
    "province_regulator": HIDE,
    "city_regulator": HIDE,
    "regulator": HIDE,
    "neighbour_inspector": HIDE,
    "neighbour_regulator": HIDE,
    "duty_officer": HIDE,
    "expert": HIDE,
    "leader": HIDE,
    "unit_manager": HIDE,
    "other_unit_manager": HIDE,
}

LIST = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "province_regulator": ALLOW,
    "regulator": ALLOW,
    "duty_officer": ALLOW,
    "unit_manager": ALLOW,
    "neighbour_regulator": HIDE,
    "neighbour_inspector": HIDE,
}
WRITE = {
    "anonymous": LOGIN,
    "regulator": ALLOW,
    "city_regulator": ALLOW,
    "inspector": DENY,
    "duty_officer": DENY,
    "unit_manager": DENY,
    "neighbour_regulator": HIDE,
}

CASES = [
    ScopeCase(
        "campaign list",
        "campaigns:list",
        lambda c, o: "/campaigns/",
        LIST,
        make=_campaign,
        is_list=True,
        marker=lambda o: "南关国庆专项整治",
    ),
    ScopeCase(
        "campaign form",
        "campaigns:create",
        lambda c, o: "/campaigns/new/",
        {
            "anonymous": LOGIN,
            "regulator": ALLOW,
            "province_regulator": ALLOW,
            "inspector": DENY,
            "unit_manager": DENY,
            "duty_officer": DENY,
        },
    ),
    ScopeCase(
        "campaign page",
        "campaigns:detail",
        lambda c, o: f"/campaigns/{o.pk}/",
        scope_expectations(other_unit_manager=ALLOW, duty_officer=ALLOW),
        make=_campaign,
    ),
    ScopeCase(
        "campaign action",
        "campaigns:act",
        lambda c, o: f"/campaigns/{o.pk}/tasks/",
        WRITE,
        make=_campaign,
        method="post",
        data={"due_on": "2022-10-20"},
    ),
    ScopeCase(
        "campaign task list",
        "campaigns:tasks",
        lambda c, o: f"/campaigns/{o.campaign_id}/task-list/",
        # The page of a campaign the neighbours cannot see (404); the rows inside it are
        # scoped too (test_tasks.py checks another unit's manager does not see this one).
        scope_expectations(other_unit_manager=ALLOW, duty_officer=ALLOW),
        make=_task,
    ),
    ScopeCase(
        "campaign task page",
        "campaigns:task",
        lambda c, o: f"/campaigns/tasks/{o.pk}/",
        scope_expectations(duty_officer=ALLOW),
        make=_task,
    ),
    ScopeCase(
        "campaign task check",
        "campaigns:task",
        lambda c, o: f"/campaigns/tasks/{o.pk}/",
        {
            "anonymous": LOGIN,
            "inspector": ALLOW,
            "regulator": ALLOW,
            "duty_officer": DENY,
            "neighbour_inspector": HIDE,
            "neighbour_regulator": HIDE,
        },
        make=_task,
        method="post",
    ),
    ScopeCase(
        "my tasks",
        "campaigns:my_tasks",
        lambda c, o: "/campaigns/tasks/mine/",
        MINE,
        make=_drawn_task,
        is_list=True,
        marker=lambda o: o.unit.name,
    ),
    ScopeCase(
        "draw page",
        "campaigns:draw",
        lambda c, o: f"/campaigns/draws/{o.pk}/",
        scope_expectations(other_unit_manager=ALLOW),
        make=_draw,
    ),
    ScopeCase(
        "campaigns API list",
        "GET /api/v1/campaigns",
        lambda c, o: "/api/v1/campaigns",
        LIST,
        make=_campaign,
        api=True,
        is_list=True,
        marker=lambda o: json.dumps("南关国庆专项整治")[1:-1],
    ),
    ScopeCase(
        "campaigns API create",
        "POST /api/v1/campaigns",
        lambda c, o: "/api/v1/campaigns",
        WRITE,
        method="post",
        api=True,
        content_type="application/json",
        data={
            "region": "220102",
            "title": "API 专项",
            "starts_on": "2022-09-28",
            "ends_on": "2022-10-31",
        },
    ),
    ScopeCase(
        "campaign progress API",
        "GET /api/v1/campaigns/{campaign_id}/progress",
        lambda c, o: f"/api/v1/campaigns/{o.pk}/progress",
        scope_expectations(other_unit_manager=ALLOW),
        make=_campaign,
        api=True,
    ),
]
