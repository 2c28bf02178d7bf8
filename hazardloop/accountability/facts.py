"""The facts of a case in words: each stored fact is a key with its values (codes and numbers);
`fact_lines` turns them into sentences in the reader's language, and `link_rows` turns the
stored links into labelled URLs. New sources add their keys here."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazardloop.accidents.choices import Level
from hazardloop.accounts.choices import Role
from hazardloop.hazards.choices import Grade
from hazardloop.regions.choices import DepartmentKind


def _grade(code: str) -> str:
    return str(Grade(code).label) if code in Grade.values else ""


def _hazard_top_rung(f: dict) -> list[str]:
    text = _(
        "“%(title)s” (%(grade)s) at %(unit)s is still not rectified %(days)s days after its "
        "deadline (%(due)s), though it was listed for supervision."
    ) % {
        "grade": _grade(f.get("grade", "")),
        "title": f.get("title", ""),
        "unit": f.get("unit", ""),
        "days": f.get("days_overdue", 0),
        "due": f.get("due", ""),
    }
    lines = [text]
    if f.get("documents"):
        lines.append(_("Documents issued: %(numbers)s.") % {"numbers": "、".join(f["documents"])})
    return lines


def _campaign_target(f: dict) -> list[str]:
    text = _(
        "The campaign “%(title)s” ended on %(ends)s with %(inspected)s of %(units)s units "
        "inspected (%(coverage)s%%), below its coverage target of %(target)s%%."
    ) % {
        "title": f.get("title", ""),
        "ends": f.get("ends_on", ""),
        "inspected": f.get("units_inspected", 0),
        "units": f.get("units_in_scope", 0),
        "coverage": f.get("coverage_pct", 0),
        "target": f.get("target_pct", 0),
    }
    lines = [text]
    below = f.get("regions_below") or []
    if below:
        regions = "、".join(f"{r['name']} {r['coverage_pct']}%" for r in below)
        lines.append(_("Below the target: %(regions)s.") % {"regions": regions})
    return lines


def _level(code: str) -> str:
    return str(Level(code).label) if code in Level.values else ""


def _accident_late(f: dict) -> list[str]:
    if f.get("sent"):
        text = _(
            "The accident “%(summary)s” (%(occurred)s) reached the %(level)s level at "
            "%(sent)s, after the deadline of %(due)s."
        )
    else:
        text = _(
            "The accident “%(summary)s” (%(occurred)s) had not reached the %(level)s level "
            "by the deadline of %(due)s."
        )
    return [
        text
        % {
            "summary": f.get("summary", ""),
            "occurred": f.get("occurred", ""),
            "level": _level(f.get("level", "")),
            "sent": f.get("sent", ""),
            "due": f.get("due", ""),
        }
    ]


def _accident_open_hazard(f: dict) -> list[str]:
    return [
        _(
            "The accident “%(summary)s” (%(occurred)s) happened at %(unit)s while hazards of "
            "the same kind were still open there: %(hazards)s."
        )
        % {
            "summary": f.get("summary", ""),
            "occurred": f.get("occurred", ""),
            "unit": f.get("unit", ""),
            "hazards": "、".join(f.get("hazards") or []),
        }
    ]


FACTS = {
    "hazard_top_rung": _hazard_top_rung,
    "campaign_target": _campaign_target,
    "accident_late": _accident_late,
    "accident_open_hazard": _accident_open_hazard,
}


def fact_lines(case) -> list[str]:
    """Each stored fact as one or more sentences (a fact of an unknown key is left out)."""
    out = []
    for fact in case.facts or []:
        render = FACTS.get(fact.get("key", ""))
        if render is not None:
            out += render(fact)
    return out


# Where a link of each kind goes (URL name with the id), and what it is called.
LINKS = {
    "hazard": ("hazards:detail", gettext_lazy("Hazard")),
    "unit": ("units:detail", gettext_lazy("Unit")),
    "campaign": ("campaigns:detail", gettext_lazy("Campaign")),
    "accident": ("accidents:detail", gettext_lazy("Accident")),
}


def link_rows(case) -> list[dict]:
    rows = []
    for link in case.links or []:
        url_name, kind = LINKS.get(link.get("kind", ""), (None, ""))
        if url_name is None:
            continue
        try:
            url = reverse(url_name, args=[link["id"]])
        except (NoReverseMatch, KeyError):
            continue
        rows.append({"kind": str(kind), "label": link.get("label", ""), "url": url})
    return rows


def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else ""


def department_kind_label(code: str) -> str:
    return str(DepartmentKind(code).label) if code in DepartmentKind.values else ""
