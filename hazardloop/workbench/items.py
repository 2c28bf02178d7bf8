"""The shapes the workbench shows and the API returns: sections of items, each one click from
its action. Pure data: the page template and `GET /api/v1/me/todo` render the same objects."""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

# Each list shows at most this many rows; its "see all" link opens the full, filtered list.
LIMIT = 5
# A list's size is counted up to COUNT_CAP + 1 (LIMIT COUNT_CAP + 1, not the whole list: a
# province's office would count hundreds of thousands of hazards on every menu); a larger list
# reads COUNT_CAP + 1 and shows as "999+".
COUNT_CAP = 999


def capped_count(qs, order: tuple = ()) -> int:
    """The queryset's size, at most COUNT_CAP + 1 (one bounded query). `order`: an index's
    columns to read the rows in, where PostgreSQL would otherwise pick a plan that suits a
    LIMIT badly (see `sections.to_order`)."""
    return qs.order_by(*order)[: COUNT_CAP + 1].count()


def shown_count(n: int) -> str:
    """A count as the badges show it: "999+" above the cap."""
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


@dataclass
class Action:
    """What one click does: open `url` (method "get"), or post the hazard action `name` to the
    workbench's one-click endpoint (method "post", with the hazard's `version`)."""

    label: str
    url: str
    method: str = "get"
    name: str = ""
    version: int | None = None


@dataclass
class Item:
    id: int
    title: str
    url: str
    unit: str = ""
    due: dt.datetime | dt.date | None = None
    since: dt.datetime | None = None
    since_label: str = ""  # what `since` was: "found", "issued", ...
    waited_days: int | None = None
    note: str = ""
    badge: str = ""
    badge_colour: str = "secondary"
    late: bool = False
    action: Action | None = None
    # `due` is a legal clock running in hours (an accident report): shown as a live countdown.
    countdown: bool = False


@dataclass
class Figure:
    key: str
    label: str
    value: int
    url: str = ""


@dataclass
class Section:
    """One list of a role's workbench. `count` is the whole list's size up to COUNT_CAP + 1
    (the items are its first LIMIT rows); `actionable` sections add to the menu's to-do
    count."""

    key: str
    role: str
    title: str
    items: list[Item] = field(default_factory=list)
    count: int = 0
    see_all: str = ""
    empty: str = ""
    hint: str = ""  # one line on what the list's one-click action does
    figures: list[Figure] = field(default_factory=list)
    # When the figures were counted, if they were kept from an earlier request (else now).
    figures_at: dt.datetime | None = None
    actionable: bool = False
    links: list[Action] = field(default_factory=list)  # everyday pages, under the list

    @property
    def shown_count(self) -> str:
        return shown_count(self.count)


def ledger_url(**filters) -> str:
    """The hazard ledger narrowed by filters (hazards.filters names)."""
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return reverse("hazards:list") + (f"?{query}" if query else "")


def days_between(earlier: dt.datetime | None, later: dt.datetime) -> int | None:
    if earlier is None:
        return None
    return max(0, (later - earlier).days)
