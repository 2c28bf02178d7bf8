"""What the hazard page shows: timeline, photos side by side, legal clocks, possible actions."""

import datetime as dt
import functools
import re

from django.apps import apps
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hazardloop.hazards import experts, grading, workflow
from hazardloop.hazards.choices import (
    GRADE_BADGE,
    STATUS_BADGE,
    SUPERVISION_BADGE,
    ClockKind,
    DeterminationState,
    ExtensionStatus,
    Grade,
    ListedLevel,
    PhotoRole,
    Status,
    SupervisionLevel,
)
from hazardloop.hazards.forms import PlanForm, form_fields
from hazardloop.hazards.models import RectificationPlan
from hazardloop.hazards.services.judging import judging_context
from hazardloop.regions import codes as region_codes

DOCUMENTS_TEMPLATE = "supervision/partials/_hazard_documents.html"


@functools.cache
def _labels(language: str) -> dict[str, dict[str, str]]:
    """The choice labels in one language (Django's get_FOO_display() builds a dict per call)."""
    with translation.override(language):
        return {
            name: {value: str(label) for value, label in choices}
            for name, choices in (
                ("grade", Grade.choices),
                ("status", Status.choices),
                ("supervision", SupervisionLevel.choices),
                ("listed", ListedLevel.choices),
                ("determination", DeterminationState.choices),
                ("overdue", [("", _("Overdue"))]),
                (
                    "lapsed",
                    [
                        (ClockKind.ORDER, _("Not ordered in time")),
                        (ClockKind.VERIFY, _("Not re-checked in time")),
                    ],
                ),
            )
        }


def badges(hazard, now) -> list[tuple[str, str, str]]:
    """The coloured labels of a hazard's state, as (Bootstrap colour, text, test id)."""
    labels = _labels(translation.get_language() or settings.LANGUAGE_CODE)
    out = [
        (
            GRADE_BADGE.get(hazard.grade, "secondary"),
            labels["grade"].get(hazard.grade, ""),
            "grade",
        ),
        (
            STATUS_BADGE.get(hazard.status, "secondary"),
            labels["status"].get(hazard.status, ""),
            "status",
        ),
    ]
    if hazard.determination == DeterminationState.PENDING:
        out.append(("warning text-dark", labels["determination"][hazard.determination], "pending"))
    if hazard.is_overdue(now):
        out.append(("danger", labels["overdue"][""], "overdue"))
    if hazard.clock_lapsed(now):
        # The regulator's own time limit (hazards/deadlines.py), not the unit's deadline.
        out.append(("warning text-dark", labels["lapsed"][hazard.clock], "lapsed"))
    if hazard.supervision_level != SupervisionLevel.NONE:
        text = labels["supervision"].get(hazard.supervision_level, "")
        if hazard.listed_level:
            text = f"{text} · {labels['listed'].get(hazard.listed_level, '')}"
        out.append((SUPERVISION_BADGE.get(hazard.supervision_level, "secondary"), text, ""))
    return out


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else "—"


def place_name(code: str, names: dict[str, str]) -> str:
    """The name of the region `code`, or of its nearest ancestor in `names` (a township under a
    county the list knows); never the raw code."""
    for candidate in (code, *reversed(region_codes.ancestors(code))):
        if candidate in names:
            return names[candidate]
    return ""


def ledger_rows(hazards, now, names: dict[str, str] | None = None) -> list[dict]:
    """What the ledger prints per hazard, worked out in Python once per row: the page stays a
    plain loop of lookups (the template engine costs far more per tag than this per field).
    `names`: region code → name, for the place column."""
    names = names or {}
    marker = 2_147_483_647
    link = reverse("hazards:detail", args=[marker]).replace(str(marker), "{}")
    return [
        {
            "pk": h.pk,
            "url": link.format(h.pk),
            "found": _day(h.found_at),
            "unit": h.unit.name,
            "region": place_name(h.region_code, names),
            "title": h.title,
            "badges": badges(h, now),
            "due": _day(h.due_at),
        }
        for h in hazards
    ]


def documents_template() -> str | None:
    """The supervision app's documents panel, when that app is installed."""
    if not apps.is_installed("hazardloop.supervision"):
        return None
    try:
        get_template(DOCUMENTS_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return DOCUMENTS_TEMPLATE


def clocks(hazard, now) -> list[dict]:
    """The deadlines that run on this hazard, with how much time is left."""
    out = []

    def clock(label, due, done=None):
        if due is None:
            return
        state = "done" if done else ("late" if due < now else "running")
        out.append({"label": label, "due": due, "state": state, "left": due - now})

    done = hazard.status in (Status.VERIFIED, Status.CLOSED)
    clock(_("Rectification deadline"), hazard.due_at, done)
    if hazard.original_due_at and hazard.original_due_at != hazard.due_at:
        clock(_("Original deadline"), hazard.original_due_at, done)
    if hazard.grade == Grade.MAJOR and hazard.submitted_at and hazard.status == Status.SUBMITTED:
        clock(
            _("On-site acceptance (within %(n)s days of the request)")
            % {"n": settings.HAZARD_ACCEPTANCE_DAYS},
            hazard.submitted_at + dt.timedelta(days=settings.HAZARD_ACCEPTANCE_DAYS),
        )
    return out


def action_forms(user, hazard, actions) -> list[dict]:
    """The forms of the actions the user may do now, built from the action table's schemas.

    The plan has its own card; "close at once" is offered only to those who may close.
    """
    out = []
    for action in actions:
        if action.name == "plan":
            continue
        fields = form_fields(action)
        if action.name == "verify" and not workflow.role_allows(user, "close", hazard):
            fields = [f for f in fields if f["name"] != "close"]
        out.append({"action": action, "fields": fields})
    return out


def expert_choices(user, hazard, actions) -> list:
    """The expert picker's first page, when the user may assign an expert now."""
    if not any(a.name == "assign_expert" for a in actions):
        return []
    return experts.options(experts.candidates(hazard)[: experts.PICKER_SIZE])


_INSPECTION_REF = re.compile(r"inspection:(\d+)/item:([^/]+)(?:/amendment:(\d+))?")


def source_link(hazard, user=None) -> tuple[str, str] | None:
    """Where the hazard was found, as (text, url) for people: an inspection's item (and the
    amendment that failed it) links to the inspection record. A reference "<kind>:<id>" of a
    later app (a public tip) is linked by that app's function in settings.HAZARD_SOURCE_LINKS,
    (user, id) → (text, url) or None: it decides who may see it. Other references are internal
    and not shown."""
    found = _INSPECTION_REF.fullmatch(hazard.source_ref or "")
    if found is None:
        kind, _sep, ref = (hazard.source_ref or "").partition(":")
        path = settings.HAZARD_SOURCE_LINKS.get(kind)
        if not path or user is None or not ref:
            return None
        return import_string(path)(user, ref)
    inspection, item, amendment = found.groups()
    if amendment:
        text = _("inspection #%(n)s, item %(item)s (amendment %(a)s)") % {
            "n": inspection,
            "item": item,
            "a": amendment,
        }
    else:
        text = _("inspection #%(n)s, item %(item)s") % {"n": inspection, "item": item}
    return text, reverse("inspections:detail", args=[int(inspection)])


def detail_context(request, hazard) -> dict:
    now = timezone.now()
    events = list(hazard.events.select_related("actor").prefetch_related("photos__photo"))
    photos = list(hazard.photos.select_related("photo"))
    plan = RectificationPlan.objects.filter(hazard=hazard).first()
    actions = workflow.available_actions(request.user, hazard)
    return {
        "hazard": hazard,
        "now": now,
        "overdue": hazard.is_overdue(now),
        "grade_badge": GRADE_BADGE.get(hazard.grade),
        "status_badge": STATUS_BADGE.get(hazard.status),
        "supervision_badge": SUPERVISION_BADGE.get(hazard.supervision_level),
        "grade_text": grading.describe(hazard),
        "events": events,
        "before_photos": [p for p in photos if p.role == PhotoRole.BEFORE],
        "after_photos": [p for p in photos if p.role == PhotoRole.AFTER],
        "plan": plan,
        "plan_missing": plan.missing_parts() if plan else list(RectificationPlan.PARTS),
        "plan_form": PlanForm(instance=plan),
        "extensions": list(hazard.extensions.select_related("requested_by", "decided_by")),
        "pending_extension": hazard.extensions.filter(status=ExtensionStatus.PENDING).first(),
        "verifications": list(hazard.verifications.select_related("verifier")),
        "actions": actions,
        "action_names": {a.name for a in actions},
        "action_forms": action_forms(request.user, hazard, actions),
        "grade_choices": Grade.choices,
        "expert_choices": expert_choices(request.user, hazard, actions),
        "clocks": clocks(hazard, now),
        "documents_template": documents_template(),
        "source_link": source_link(hazard, request.user),
        "judging": judging_context(request.user, hazard),
    }
