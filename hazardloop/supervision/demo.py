"""Demo data: the ladder's documents for the demo hazards, and a few orders drafted by hand.

Called by `manage.py load_demo` after the demo hazards exist. Idempotent: ladder documents are
keyed per hazard and rung, hand-issued ones per demo key.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership
from hazardloop.hazards.choices import SUPERVISION_RANK, Grade, Status, SupervisionLevel
from hazardloop.hazards.models import Hazard
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.ladder import ladder_for
from hazardloop.supervision.models import EnforcementDocument
from hazardloop.supervision.services import issue_document, issuing_departments
from hazardloop.supervision.sweep import _Departments, _issue_batch, sweep


def backfill_ladder_documents(now) -> int:
    """Issue the letter / listing notice of hazards that reached those rungs without one."""
    depts = _Departments()
    made = 0
    for rung, kind in (
        (SupervisionLevel.LETTER, DocumentKind.SUPERVISION_LETTER),
        (SupervisionLevel.LISTED, DocumentKind.LISTING_NOTICE),
    ):
        levels = [lvl for lvl, r in SUPERVISION_RANK.items() if r >= SUPERVISION_RANK[rung]]
        hazards = list(
            Hazard.objects.open()
            .filter(supervision_level__in=levels, due_at__isnull=False)
            .exclude(documents__kind=kind)
            .select_related("unit")
        )
        if not hazards:
            continue
        listed = {
            h.pk: h.listed_level or ladder_for(h.region_code).listing_level(h.grade)
            for h in hazards
        }
        with transaction.atomic():
            made += len(_issue_batch(hazards, kind, now, ladder_for, depts, listed_levels=listed))
    return made


def load_supervision_demo() -> int:
    """Documents for the demo province; returns how many were created."""
    now = timezone.now()
    before = EnforcementDocument.objects.count()
    sweep(now)
    backfill_ladder_documents(now)
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
