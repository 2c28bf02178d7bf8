"""Demo duty calendars: every demo unit gets a safety officer and, over the last DAYS days, its
own patrols (public gathering places: most 2-hour windows while open done, some late, some
lapsed; key units: most days) and its monthly/quarterly self-inspection (about two units in
three). The records are all-clear patrols and self-inspections with the built-in checklist
`fire-patrol-61`, written in bulk (inspections and their answers) — nothing of the hazard loop
is involved since nothing fails; unlike the service, no audit event is written per record.
Idempotent: once the demo's unit staff (staff@…) exist, nothing more is written; units that
already have a patrol or a self-inspection are skipped.
"""

import datetime as dt
import random
import uuid

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.inspections.models import Answer, Inspection
from hazardloop.obligations.choices import DutyKind
from hazardloop.obligations.rules import RuleBook
from hazardloop.obligations.schedule import calendar
from hazardloop.units.models import Unit

NAMESPACE = uuid.UUID("0b1e6a7c-4d55-4c1b-9e0f-2f3a5b6c7d80")
DAYS = 2
DONE, LATE = 0.72, 0.10  # the rest lapse
SELF_INSPECTED = 0.65
BATCH = 1000


def _staff(units) -> dict[int, int]:
    """unit id → a user of the unit (its manager if any, else a new safety officer)."""
    have = dict(
        Membership.objects.filter(unit__in=units, is_active=True)
        .order_by("unit_id", "id")
        .values_list("unit_id", "user_id")
    )
    missing = [u for u in units if u.pk not in have]
    if missing:
        password = make_password(None)  # unusable: these staff never sign in to the demo
        users = User.objects.bulk_create(
            [User(username=f"staff@{u.uscc}", display_name=f"{u.name} 安全员", password=password)
             for u in missing]
        )  # fmt: skip
        Membership.objects.bulk_create(
            [Membership(user=user, role=Role.UNIT_SAFETY_OFFICER, unit=u, region_id=u.region_id)
             for user, u in zip(users, missing, strict=True)]
        )  # fmt: skip
        have.update({u.pk: user.pk for user, u in zip(users, missing, strict=True)})
    return have


def load_obligations(rng: random.Random, now=None) -> int:
    """Write the demo's patrols and self-inspections; return how many."""
    now = now or timezone.now()
    if User.objects.filter(username__startswith="staff@").exists():
        return 0  # loaded before: the demo's unit staff exist
    load_builtin_templates()
    version = ChecklistTemplate.objects.get(code="fire-patrol-61", region_code="").versions.get(
        is_current=True
    )
    items = list(version.items.order_by("sort", "id"))
    done_units = set(
        Inspection.objects.filter(mode__in=["patrol", "self_inspection"]).values_list(
            "unit_id", flat=True
        )
    )
    units = list(Unit.objects.order_by("pk"))
    staff = _staff(units)
    start = now - dt.timedelta(days=DAYS)
    book = RuleBook()
    rows = []
    for i in range(0, len(units), BATCH):
        chunk = units[i : i + BATCH]
        # Whole months for the inspection windows: from the first of last month.
        cal = calendar(chunk, start, now, now=start, book=book)
        for u in chunk:
            if u.pk in done_units:
                continue
            for n, w in enumerate(cal[u.pk]):
                if w.end > now:
                    continue
                if w.kind == DutyKind.PATROL:
                    roll = rng.random()
                    if roll < DONE:
                        at = w.start + (w.end - w.start) * rng.uniform(0.05, 0.9)
                    elif roll < DONE + LATE:
                        at = w.end + (w.end - w.start) * rng.uniform(0.1, 0.6)
                        if at > now:
                            continue
                    else:
                        continue
                    rows.append((u, "patrol", at, n))
            if rng.random() < SELF_INSPECTED:
                day = now - dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 8))
                rows.append((u, "self_inspection", day, -1))
    Inspection.objects.bulk_create(
        [
            Inspection(
                client_id=uuid.uuid5(NAMESPACE, f"{u.pk}:{mode}:{n}:{at.isoformat()}"),
                unit=u, region_code=u.region_id, template_version=version, mode=mode,
                inspector_id=staff[u.pk], started_at=at - dt.timedelta(minutes=1),
                device_time=at, received_at=at, n_items=len(items),
            )
            for u, mode, at, n in rows
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )  # fmt: skip
    keys = [uuid.uuid5(NAMESPACE, f"{u.pk}:{m}:{n}:{at.isoformat()}") for u, m, at, n in rows]
    written = Inspection.objects.filter(client_id__in=keys).values_list("pk", "region_code")
    answers = []
    for pk, region in written.iterator():
        for item in items:
            passed = item.answer_type == "pass_fail"
            answers.append(
                Answer(
                    inspection_id=pk, item=item, code=item.code, region_code=region,
                    result="pass" if passed else "recorded", text_value="" if passed else "无",
                )
            )  # fmt: skip
    Answer.objects.bulk_create(answers, batch_size=5000, ignore_conflicts=True)
    # The units have been on the register since the records begin, so that the lapsed count
    # (which starts when a unit is registered) reads this history: done, late and lapsed.
    Unit.objects.filter(created_at__gt=start).update(created_at=start)
    return len(rows)
