import json
from types import SimpleNamespace
from urllib.parse import urlencode

from hazardloop.campaigns import drawing, services
from hazardloop.campaigns.tests.factories import make_campaign
from hazardloop.testing import (
    ALLOW,
    DENY,
    HIDE,
    INVALID,
    LOGIN,
    ScopeCase,
    expect,
    scope_expectations,
)


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


def _nanguan_checklist(cast):
    """A checklist Nanguan adapted: usable in Nanguan and above it, not by the neighbours."""
    from hazardloop.checklists.models import ChecklistTemplate

    return ChecklistTemplate.objects.create(
        code="nanguan-gas", region_code="220102", title_zh="南关区燃气专项检查表"
    )


def _campaign_and_inspector(cast):
    return SimpleNamespace(campaign=_campaign(cast), person=cast.inspector)


def _sheet(response) -> list[list]:
    import io

    from openpyxl import load_workbook

    if response.status_code != 200 or "spreadsheetml" not in response["Content-Type"]:
        return []
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def _drawn_in_sheet(response, cast, draw) -> bool:
    rows = _sheet(response)
    names = {r[0] for r in rows[1:]}
    return bool(rows) and rows[0][0] in ("Unit", "单位") and cast.unit.name in names


def _progress_sheet(response, cast, campaign) -> bool:
    rows = _sheet(response)
    return bool(rows) and rows[0][0] in ("Region", "地区") and rows[-1][0] in ("Total", "合计")


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

# Campaigns of Nanguan: every department role over Nanguan and every unit in it.
SEE = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW, other_unit_manager=ALLOW)
LIST = SEE
# Running a campaign of Nanguan: regulators of Nanguan and above.
WRITE = {
    **SEE,
    "inspector": DENY,
    "duty_officer": DENY,
    "expert": DENY,
    "leader": DENY,
    "unit_manager": DENY,
    "other_unit_manager": DENY,
}
# Starting a campaign: any regulator (a neighbour's region is not theirs to choose).
CREATE = expect(
    anonymous=LOGIN,
    admin=ALLOW,
    province_regulator=ALLOW,
    city_regulator=ALLOW,
    regulator=ALLOW,
    inspector=DENY,
    neighbour_inspector=DENY,
    neighbour_regulator=ALLOW,
    duty_officer=DENY,
    expert=DENY,
    leader=DENY,
    unit_manager=DENY,
    other_unit_manager=DENY,
)

# The campaign pickers offer what lies in the user's campaign scope: any regulator may search,
# a neighbour finds nothing of Nanguan.
PICK = {**CREATE, "neighbour_regulator": HIDE}

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
    # The campaign picker (the ledger's campaign filter): the campaign list's readers.
    ScopeCase(
        "campaign picker",
        "campaigns:pick",
        lambda c, o: "/campaigns/pick/?" + urlencode({"campaign-q": "国庆专项"}),
        LIST,
        make=_campaign,
        is_list=True,
        marker=lambda o: f'value="{o.pk}"',
    ),
    ScopeCase(
        "campaign form: region picker",
        "campaigns:pick_regions",
        lambda c, o: "/campaigns/pick/regions/?" + urlencode({"scope_regions-q": "南关"}),
        PICK,
        is_list=True,
        marker=lambda o: 'value="220102"',
    ),
    ScopeCase(
        "campaign form: checklist picker",
        "campaigns:pick_checklists",
        lambda c, o: "/campaigns/pick/checklists/?" + urlencode({"checklists-q": "南关区燃气"}),
        PICK,
        make=_nanguan_checklist,
        is_list=True,
        marker=lambda o: f'value="{o.pk}"',
    ),
    ScopeCase(
        "task list: inspector picker",
        "campaigns:pick_inspectors",
        lambda c, o: "/campaigns/pick/inspectors/?" + urlencode({"inspectors-q": o.username}),
        PICK,
        make=lambda c: c.inspector,
        is_list=True,
        marker=lambda o: f'value="{o.pk}"',
    ),
    ScopeCase(
        "task force: member picker",
        "campaigns:pick_members",
        lambda c, o: (
            f"/campaigns/{o.campaign.pk}/pick/members/?"
            + urlencode({"members-q": o.person.username})
        ),
        WRITE,
        make=_campaign_and_inspector,
        is_list=True,
        marker=lambda o: f'value="{o.person.pk}"',
    ),
    ScopeCase(
        "campaign form",
        "campaigns:create",
        lambda c, o: "/campaigns/new/",
        CREATE,
        marker=lambda o: 'name="title"',
    ),
    ScopeCase(
        "campaign page",
        "campaigns:detail",
        lambda c, o: f"/campaigns/{o.pk}/",
        SEE,
        make=_campaign,
        marker=lambda o: o.title,
    ),
    ScopeCase(
        "campaign action",
        "campaigns:act",
        lambda c, o: f"/campaigns/{o.pk}/tasks/",
        WRITE,
        make=_campaign,
        method="post",
        data={"due_on": "2022-10-20"},
        redirect=lambda c, o: f"/campaigns/{o.pk}/",
        check=lambda r, c, o: o.tasks.exists(),
    ),
    ScopeCase(
        "campaign task list",
        "campaigns:tasks",
        lambda c, o: f"/campaigns/{o.campaign_id}/task-list/",
        # The authorities' plan: a unit's own people never see tasks (an unannounced
        # inspection stays unannounced), the neighbours not this campaign's.
        {**SEE, "unit_manager": HIDE, "other_unit_manager": HIDE},
        make=_task,
        is_list=True,
        marker=lambda o: o.unit.name,
    ),
    ScopeCase(
        "assign tasks from the task list",
        "campaigns:assign_tasks",
        lambda c, o: f"/campaigns/{o.campaign_id}/task-list/assign/",
        # Whoever runs the campaign; a unit's own people never see its tasks.
        {**WRITE, "unit_manager": HIDE, "other_unit_manager": HIDE},
        make=_task,
        method="post",
        data=lambda c, o: {"tasks": [o.pk], "inspectors": [c.inspector.pk]},
        redirect=lambda c, o: f"/campaigns/{o.campaign_id}/task-list/",
        check=lambda r, c, o: o.inspectors.filter(pk=c.inspector.pk).exists(),
    ),
    ScopeCase(
        "campaign task page",
        "campaigns:task",
        lambda c, o: f"/campaigns/tasks/{o.pk}/",
        {**SEE, "unit_manager": HIDE, "other_unit_manager": HIDE},
        make=_task,
        marker=lambda o: o.unit.name,
    ),
    ScopeCase(
        "campaign task check",
        "campaigns:task",
        lambda c, o: f"/campaigns/tasks/{o.pk}/",
        # Checking for the inspection that completes the task: whoever may inspect the unit.
        {**SEE, "duty_officer": DENY, "unit_manager": HIDE, "other_unit_manager": HIDE},
        make=_task,
        method="post",
        redirect=lambda c, o: f"/campaigns/tasks/{o.pk}/",
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
        {**SEE, "unit_manager": HIDE, "other_unit_manager": HIDE},
        make=_draw,
        marker=lambda o: o.campaign.title,
    ),
    ScopeCase(
        "draw result export",
        "campaigns:draw_export",
        lambda c, o: f"/campaigns/draws/{o.pk}/result.xlsx",
        {**SEE, "unit_manager": HIDE, "other_unit_manager": HIDE},
        make=_draw,
        check=_drawn_in_sheet,
    ),
    ScopeCase(
        "campaign progress export",
        "campaigns:progress_export",
        lambda c, o: f"/campaigns/{o.pk}/progress.xlsx",
        # The progress is the authorities' plan, as on the campaign page.
        {**SEE, "unit_manager": HIDE, "other_unit_manager": HIDE},
        make=_campaign,
        check=_progress_sheet,
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
        {**CREATE, "neighbour_regulator": HIDE},
        method="post",
        api=True,
        content_type="application/json",
        data={
            "region": "220102",
            "title": "API 专项",
            "starts_on": "2022-09-28",
            "ends_on": "2022-10-31",
        },
        check=lambda r, c, o: r.status_code == 201 and r.json()["region"] == "220102",
    ),
    ScopeCase(
        "task assignment API",
        "POST /api/v1/campaigns/tasks/assign",
        lambda c, o: "/api/v1/campaigns/tasks/assign",
        # Whoever runs the campaign. The inspectors are checked first: a neighbour may not
        # choose Nanguan's inspector (422, which tells nothing of the task).
        {**WRITE, "neighbour_regulator": INVALID, "neighbour_inspector": DENY},
        make=_task,
        method="post",
        api=True,
        content_type="application/json",
        data=lambda c, o: {"task_ids": [o.pk], "inspector_ids": [c.inspector.pk]},
        check=lambda r, c, o: (
            r.status_code == 200
            and [t["id"] for t in r.json()["assigned"]] == [o.pk]
            and o.inspectors.filter(pk=c.inspector.pk).exists()
        ),
    ),
    ScopeCase(
        "campaign progress API",
        "GET /api/v1/campaigns/{campaign_id}/progress",
        lambda c, o: f"/api/v1/campaigns/{o.pk}/progress",
        SEE,
        make=_campaign,
        api=True,
        marker=lambda o: f'"campaign": {o.pk},',
    ),
]
