"""Why an approval is refused: each reason its own code, details and sentence (docs/permits.md).

The details are stored with the refusal; `sentence()` words them in the reader's language.

`refusals(permit, now)` reads the worker's certificate and the fire watch's training through
hazardloop.training.queries (never again here), the gas tests, and the unit's open major
hazards of the categories in settings.PERMIT_BLOCKING_HAZARD_CATEGORIES.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.hazards.choices import OPEN_STATUSES, Grade
from hazardloop.hazards.models import Hazard
from hazardloop.permits.choices import RefusalReason as R
from hazardloop.permits.models import GasReading, HotWorkPermit
from hazardloop.training.queries import trained_staff, valid_certificates


def local_time(when) -> str:
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def latest_reading(permit: HotWorkPermit) -> GasReading | None:
    return permit.gas_readings.order_by("-taken_at", "-id").first()


def sentence(code: str, params: dict) -> str:
    """The reason in the reader's language (the details are stored, the words are not)."""
    p = dict(params or {})
    for key in ("at", "taken", "start"):
        if p.get(key):
            p[key] = local_time(p[key])
    if code == R.GAS_MISSING:
        return _("No gas test is recorded: test the air at the spot first.")
    if code == R.GAS_INTERRUPTED:
        return _("The work was interrupted at %(at)s: test the air again before it goes on.") % p
    if code == R.GAS_STALE:
        return (
            _(
                "The last gas test (%(taken)s) is more than %(minutes)s minutes before the work "
                "starts (%(start)s): test again."
            )
            % p
        )
    if code == R.GAS_HIGH:
        return _("The last gas reading is %(value)s%% LEL, above the limit of %(limit)s%% LEL.") % p
    if code == R.CERTIFICATE:
        return (
            _(
                "%(name)s holds no welding certificate valid through the whole window "
                "(missing or expired)."
            )
            % p
        )
    if code == R.FIRE_WATCH:
        return (
            _(
                "The fire watch %(name)s has no current fire-safety training record: "
                "train them or choose another fire watch."
            )
            % p
        )
    if code == R.FIRE_HAZARD:
        return (
            _(
                "The unit has an open major fire hazard (%(title)s): no hot work until it "
                "is rectified."
            )
            % p
        )
    return str(R(code).label) if code in R.values else ""


def gas_problem(permit: HotWorkPermit, at: dt.datetime, reading=None) -> tuple[str, dict] | None:
    """(code, details) when the gas test does not allow work starting at `at`, else None."""
    reading = reading if reading is not None else latest_reading(permit)
    minutes = settings.PERMIT_GAS_TEST_MINUTES
    if reading is None:
        return R.GAS_MISSING, {}
    if permit.interrupted_at and reading.taken_at < permit.interrupted_at:
        return R.GAS_INTERRUPTED, {"at": permit.interrupted_at.isoformat()}
    if reading.taken_at < at - dt.timedelta(minutes=minutes):
        return R.GAS_STALE, {
            "taken": reading.taken_at.isoformat(),
            "minutes": minutes,
            "start": at.isoformat(),
        }
    if reading.lel_percent > settings.PERMIT_GAS_LEL_LIMIT:
        return R.GAS_HIGH, {
            "value": str(reading.lel_percent),
            "limit": settings.PERMIT_GAS_LEL_LIMIT,
        }
    return None


def refusals(permit: HotWorkPermit, now: dt.datetime) -> list[tuple[str, dict]]:
    """Every reason the permit may not be approved now, as (code, details for `sentence`)."""
    out: list[tuple[str, dict]] = []
    start = max(now, permit.planned_start)
    kinds = settings.PERMIT_WORKER_CERTIFICATES
    worker = permit.worker_id
    first = valid_certificates([worker], kinds, timezone.localdate(permit.planned_start))
    last = valid_certificates([worker], kinds, timezone.localdate(permit.valid_until))
    if worker not in first or worker not in last:
        out.append((R.CERTIFICATE, {"name": permit.worker.name}))
    if permit.fire_watch_id not in trained_staff([permit.fire_watch_id], start):
        out.append((R.FIRE_WATCH, {"name": permit.fire_watch.name}))
    gas = gas_problem(permit, start)
    if gas:
        out.append(gas)
    blocking = Hazard.objects.filter(
        unit_id=permit.unit_id,
        grade=Grade.MAJOR,
        status__in=OPEN_STATUSES,
        category__in=settings.PERMIT_BLOCKING_HAZARD_CATEGORIES,
    ).first()
    if blocking is not None:
        out.append((R.FIRE_HAZARD, {"title": blocking.title, "hazard_id": blocking.pk}))
    return out
