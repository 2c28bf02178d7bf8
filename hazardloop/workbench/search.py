"""The top bar's search: units by name or credit code, hazards by title, inspections by unit,
enforcement documents by number — each kind only for a user who may see it, and only the rows
in their scope (the same querysets as each kind's own list)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from hazardloop.accounts.access import has_perm_anywhere, scope_for
from hazardloop.hazards.models import Hazard
from hazardloop.inspections.access import visible_inspections
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.units.filters import pick_units

SHOWN = 10  # rows per kind; "all matches" opens the kind's own list with the same text


@dataclass
class Group:
    key: str
    label: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (url, title, detail)
    more_url: str | None = None


def _day(moment) -> str:
    return date_format(localtime(moment), "Y-m-d") if moment else ""


def search_everything(user, query: str) -> list[Group]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    groups = []
    if has_perm_anywhere(user, "unit.view"):
        units = pick_units(user, query, SHOWN)
        groups.append(
            Group(
                "units",
                _("Units"),
                [
                    (reverse("units:detail", args=[u.pk]), u.name, f"{u.region.name} · {u.uscc}")
                    for u in units
                ],
                f"{reverse('units:list')}?{urlencode({'q': query})}",
            )
        )
    if has_perm_anywhere(user, "hazard.view"):
        hazards = (
            Hazard.objects.visible_to(user)
            .filter(title__icontains=query)
            .select_related("unit")
            .only("pk", "title", "found_at", "unit__name")
            .order_by("-found_at", "-pk")[:SHOWN]
        )
        groups.append(
            Group(
                "hazards",
                _("Hazards"),
                [
                    (
                        reverse("hazards:detail", args=[h.pk]),
                        h.title,
                        f"{h.unit.name} · {_day(h.found_at)}",
                    )
                    for h in hazards
                ],
                f"{reverse('hazards:list')}?{urlencode({'q': query})}",
            )
        )
        documents = (
            scope_for(user, "hazard.view")
            .filter(EnforcementDocument.objects.all(), "region_code", "unit")
            .filter(number__icontains=query)
            .select_related("unit")
            .order_by("-issued_at", "-pk")[:SHOWN]
        )
        groups.append(
            Group(
                "documents",
                _("Enforcement documents"),
                [
                    (
                        reverse("supervision:document", args=[d.pk]),
                        d.number,
                        f"{d.get_kind_display()} · {d.unit.name} · {_day(d.issued_at)}",
                    )
                    for d in documents
                ],
            )
        )
    if has_perm_anywhere(user, "inspection.view"):
        inspections = (
            visible_inspections(user)
            .filter(unit__name__icontains=query)
            .select_related("unit")
            .order_by("-received_at", "-pk")[:SHOWN]
        )
        groups.append(
            Group(
                "inspections",
                _("Inspections"),
                [
                    (
                        reverse("inspections:detail", args=[i.pk]),
                        i.unit.name,
                        f"{i.get_mode_display()} · {_day(i.received_at)}",
                    )
                    for i in inspections
                ],
                f"{reverse('inspections:list')}?{urlencode({'q': query})}",
            )
        )
    return groups
