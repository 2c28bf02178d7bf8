"""Demo data: the day's sweep over all demo hazards, and a few orders drafted by hand.

Called by `manage.py load_demo` after the demo hazards exist. Idempotent: ladder documents are
keyed per hazard and rung, hand-issued ones per demo key.
"""

import datetime as dt

from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.hazards.choices import Grade, Status
from hazardloop.hazards.models import Hazard
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.supervision.services import issue_document, issuing_departments
from hazardloop.supervision.sweep import sweep


def load_supervision_demo() -> int:
    """Documents for the demo province; returns how many were created."""
    now = timezone.now()
    before = EnforcementDocument.objects.count()
    sweep(now)  # the inspections' demo hazards loaded after the hazards' own sweep
    inspector = (
        Membership.objects.filter(role=Role.INSPECTOR, region_id="220102", is_active=True)
        .select_related("user")
        .first()
    )
    if inspector is None:
        return EnforcementDocument.objects.count() - before
    user = inspector.user
    ordered = Hazard.objects.filter(
        region_code="220102", status__in=[Status.ORDERED, Status.RECTIFYING]
    ).select_related("unit")
    for i, hazard in enumerate(ordered.order_by("pk")[:4]):
        departments = issuing_departments(user, hazard)
        if not departments or hazard.due_at is None or hazard.due_at <= now:
            continue
        kind = (
            DocumentKind.MAJOR_HAZARD_NOTICE
            if hazard.grade == Grade.MAJOR
            else DocumentKind.DEADLINE_ORDER
        )
        issue_document(
            hazard,
            actor=user,
            kind=kind,
            department=departments[0],
            checked_at=hazard.found_at,
            idempotency_key=f"demo:{kind}:{hazard.pk}",
        )
        if i == 0:
            issue_document(
                hazard,
                actor=user,
                kind=DocumentKind.TEMPORARY_SEAL,
                department=departments[0],
                checked_at=now - dt.timedelta(days=1),
                seal_from=timezone.localdate(),
                seal_days=15,
                seal_place="地下一层液化石油气储存间",
                situations=["dangerous_goods"],
                idempotency_key=f"demo:seal:{hazard.pk}",
            )
    return EnforcementDocument.objects.count() - before
