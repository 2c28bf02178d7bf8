"""What the hazard page shows: timeline, photos side by side, legal clocks, possible actions."""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.hazards import grading, workflow
from hazardloop.hazards.choices import (
    GRADE_BADGE,
    STATUS_BADGE,
    SUPERVISION_BADGE,
    ExtensionStatus,
    Grade,
    PhotoRole,
    Status,
)
from hazardloop.hazards.forms import ActionForm, PlanForm
from hazardloop.hazards.models import RectificationPlan

DOCUMENTS_TEMPLATE = "supervision/partials/_hazard_documents.html"


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
        "action_form": ActionForm(),
        "clocks": clocks(hazard, now),
        "documents_template": documents_template(),
    }
