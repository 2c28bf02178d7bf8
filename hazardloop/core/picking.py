"""The search picker (core/templates/components/picker.html): one way, for every form, to choose
units, campaigns, regions, checklists or people by searching their names instead of typing ids or
codes.

A picker is a search box and a list of radio buttons (one choice) or checkboxes (several), named
like the form field, inside one element. Typing asks the picker's endpoint (htmx, no script of
its own, so the pages' content security policy holds) for the matches; the request carries the
values already chosen, and the answer lists those first, still chosen, then the new matches —
so a second search never loses what the first one picked. Each endpoint offers only what the
user may choose (their scope, the right role, active); the form checks the submitted values
against the same rule again, since a posted value need not come from the list.
"""

from dataclasses import dataclass

from django.shortcuts import render

# How many matches a search offers (a longer search narrows them), and how many chosen values
# a request may carry back.
SHOWN = 20
MAX_PICKED = 200


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    detail: str = ""


def search_text(request, name: str) -> str:
    """The picker's search box (named `<name>-q`, beside a form's own `q`), at most 100
    characters."""
    return (request.GET.get(f"{name}-q") or request.GET.get("q") or "").strip()[:100]


def picked_values(request, name: str) -> list[str]:
    """The values the picker holds chosen, as sent back with a search (duplicates once)."""
    values = [v.strip() for v in request.GET.getlist(name)[:MAX_PICKED]]
    return list(dict.fromkeys(v for v in values if v and len(v) <= 64))


def options_response(request, *, name: str, multiple: bool, picked, matches, query: str):
    """The picker's options: the chosen ones first (checked), then the other matches."""
    picked = list(picked)
    chosen = {o.value for o in picked}
    matches = [o for o in matches if o.value not in chosen]
    context = {
        "name": name,
        "multiple": multiple,
        "picked": picked,
        "matches": matches[:SHOWN],
        "q": query,
        "limit": SHOWN,
        "full": len(matches) >= SHOWN,
    }
    return render(request, "components/picker_options.html", context)
