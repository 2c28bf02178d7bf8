"""GET /api/v1/me/todo: the caller's workbench — the same lists, in the same order, as the home
page, and the menu's counts."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from hazardloop.workbench.todo import menu_counts, workbench

router = Router(tags=["workbench"])


class ActionOut(Schema):
    label: str
    url: str
    method: str = Field(
        description="`get`: open `url`; `post`: a one-click action — POST to `url` (a page "
        "form, signed in, with the CSRF token and `version`), or apply `name` through "
        "`POST /api/v1/hazards/{id}/transitions`."
    )
    name: str = Field(description="The hazard action a `post` performs (`order`, `verify`).")
    version: int | None = Field(description="The hazard's version the action is for.")


class TodoItemOut(Schema):
    id: int = Field(description="The row's id: a hazard, task, document, inspection, request.")
    title: str
    url: str = Field(description="The row's page.")
    unit: str
    due: dt.datetime | dt.date | None = Field(description="Deadline or time limit.")
    since: dt.datetime | None = Field(description="Found, submitted, requested or received.")
    since_label: str
    waited_days: int | None = Field(description="Whole days waited (or overdue) so far.")
    note: str
    badge: str
    late: bool = Field(description="Past its deadline or time limit.")
    action: ActionOut | None


class FigureOut(Schema):
    key: str
    label: str
    value: int
    url: str


class SectionOut(Schema):
    key: str = Field(
        description="to_order, to_verify, due_soon, overdue, documents, extensions, "
        "campaign_tasks, my_tasks, rechecks, recent_inspections, assigned, advice_due, "
        "lead_tasks, led_inspections, headline, self_inspection_due, unit_hazards, "
        "latest_inspection, tips_to_triage, accountability_proposals, my_shift, on_duty_now, "
        "duties_today, certificates_expiring."
    )
    title: str
    count: int = Field(
        description="The whole list's size, counted up to 1,000: a larger list reads 1000 "
        "(the pages show 999+); `items` are its first rows."
    )
    actionable: bool = Field(description="Counted in the menu's to-do count.")
    see_all: str = Field(description="The full, filtered list (empty when there is none).")
    hint: str = Field(description="What the list's one-click action does, when it has one.")
    items: list[TodoItemOut]
    figures: list[FigureOut]
    figures_at: dt.datetime | None = Field(
        None,
        description="When `figures` were counted, if they were kept from an earlier request "
        "(figures over more than 10,000 hazards, e.g. a province's, are kept a minute for the "
        "same scope); null when counted now.",
    )
    links: list[ActionOut] = Field(description="The unit's everyday pages (its QR poster …).")


class GroupOut(Schema):
    key: str = Field(description="office, inspector, expert, leader, duty or unit.")
    title: str
    sections: list[SectionOut]


class TodoOut(Schema):
    generated_at: dt.datetime
    counts: dict[str, int] = Field(
        description="`todo` and `unread` (the menu's counts; `todo` at most 1000, shown as 999+)."
    )
    groups: list[GroupOut] = Field(description="One group per role the caller holds.")


@router.get("/todo", response=TodoOut)
def my_todo(request):
    """What the caller has to do now: one group of lists per role they hold, each list bounded
    (its `count` and `see_all` give the rest), inside the caller's scope."""
    now = timezone.now()
    return {
        "generated_at": now,
        "counts": menu_counts(request.user),
        "groups": workbench(request.user, now),
    }
