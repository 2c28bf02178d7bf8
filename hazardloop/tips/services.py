"""Receiving a public tip and answering it (triage).

- `receive_tip` takes what a member of the public sent (no account): it checks the input, counts
  the submission against the rate limit (tips.throttle), stores the photos through the
  evidence service (the same validation as inspection photos; held by the tip's region, never
  by the accused unit) and files the tip in the queue of its county with an answer deadline of
  TIP_RESPONSE_WORKDAYS working days (a missing holiday calendar is estimated, never an error).
- `triage_tip` turns a tip into a hazard (source `public_tip`, linked), an inspection task, or
  a dismissal with a reason, once: a compare-and-swap on the tip's status and version.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import can, require
from hazardloop.accounts.models import User
from hazardloop.audit.services import record_event
from hazardloop.campaigns.choices import TaskSource, TaskStatus
from hazardloop.campaigns.models import InspectionTask
from hazardloop.core.errors import Conflict
from hazardloop.evidence.services import claim_photos, store_photo
from hazardloop.hazards.choices import Category, Source
from hazardloop.hazards.deadlines import LOCAL, end_of_local_day, work_calendar
from hazardloop.hazards.services import create_hazard
from hazardloop.lib.phones import PhoneError
from hazardloop.lib.phones import validate as validate_phone
from hazardloop.regions import codes as region_codes
from hazardloop.regions.models import Region
from hazardloop.tips import throttle
from hazardloop.tips.choices import OUTCOME_STATUS, Outcome, TipCategory, TipStatus
from hazardloop.tips.models import DESCRIPTION_MAX, REASON_MAX, TRACKING_CODE_LENGTH, Tip

# No 0/O, 1/I/L: a code read out over the phone is not misheard.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PUBLIC_USERNAME = "public-tips"
# The hazard category a tip's category is filed under when it becomes a hazard.
HAZARD_CATEGORY = {
    TipCategory.BLOCKED_EXIT: Category.EVACUATION,
    TipCategory.LOCKED_DOOR: Category.EVACUATION,
    TipCategory.WINDOW_BARS: Category.EVACUATION,
    TipCategory.GAS_INDOORS: Category.GAS,
    TipCategory.EQUIPMENT_MISSING: Category.FIRE_FACILITIES,
    TipCategory.OTHER: Category.OTHER,
}


class TipChanged(Conflict):
    code = "changed"


class TipAnswered(Conflict):
    code = "not_allowed_now"


def new_tracking_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(TRACKING_CODE_LENGTH))


def normal_code(raw: str) -> str:
    """A tracking code as typed (spaces, dashes, lower case) in its stored form."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]


def public_actor() -> User:
    """The account public uploads are recorded under: never signs in (inactive, no password)."""
    user = User.objects.filter(username=PUBLIC_USERNAME).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=PUBLIC_USERNAME, display_name="群众举报", is_active=False)
                user.set_unusable_password()
                user.save()
        except IntegrityError:
            user = User.objects.get(username=PUBLIC_USERNAME)
    return user


def county_of(region_code: str) -> str:
    """The county whose queue holds a tip about `region_code` (the region itself above it)."""
    return region_codes.ancestor_at(region_code, region_codes.COUNTY) or region_code


def answer_due(received_at: dt.datetime) -> tuple[dt.datetime, bool]:
    """(the answer deadline, estimated): TIP_RESPONSE_WORKDAYS working days after the day of
    receipt, end of day. A year without a loaded calendar is estimated (every day counted, so
    never later than the true limit), never an error."""
    day = timezone.localtime(received_at, LOCAL).date()
    last, missing = work_calendar(strict=False).add_working_days_or_estimate(
        day, settings.TIP_RESPONSE_WORKDAYS, earliest=True
    )
    return end_of_local_day(last), bool(missing)


def _coordinate(value, low: int, high: int, field: str, errors: dict):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError:
        number = None
    if number is None or not (low <= number <= high):
        errors[field] = _("Give a number between %(low)s and %(high)s.") % {
            "low": low,
            "high": high,
        }
        return None
    return number


def check_input(
    *,
    unit,
    region_code: str,
    category: str,
    description: str,
    phone: str = "",
    address: str = "",
    latitude=None,
    longitude=None,
    uploads=(),
) -> dict:
    """The cleaned fields of a tip, or ValidationError naming each bad field (nothing stored)."""
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if category not in TipCategory.values:
        errors["category"] = _("Choose what is wrong.")
    if not description:
        errors["description"] = _("Describe what you saw.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(count)s characters.") % {"count": DESCRIPTION_MAX}
    phone = (phone or "").strip()
    if phone:
        try:
            phone = validate_phone(phone)
        except PhoneError:
            errors["phone"] = _(
                "This is not a phone number: give a mobile number of 11 digits or a fixed "
                "line with its area code, or leave it empty."
            )
    address = (address or "").strip()
    if len(address) > 200:
        errors["address"] = _("At most %(count)s characters.") % {"count": 200}
    lat = _coordinate(latitude, -90, 90, "latitude", errors)
    lng = _coordinate(longitude, -180, 180, "longitude", errors)
    if (lat is None) != (lng is None) and "latitude" not in errors and "longitude" not in errors:
        errors["latitude"] = _("Give both coordinates, or neither.")
    if unit is None:
        region = Region.objects.filter(code=region_code).first() if region_code else None
        if region is None or region.level not in ("county", "zone", "township", "village"):
            errors["region"] = _("Choose the county or district where the place is.")
        if not address:
            errors["address"] = _("Give the address of the place.")
    uploads = [u for u in uploads if u is not None]
    if len(uploads) > settings.TIP_MAX_PHOTOS:
        errors["photos"] = _("At most %(count)s photos.") % {"count": settings.TIP_MAX_PHOTOS}
    else:
        limit = settings.EVIDENCE_MAX_BYTES
        if any((getattr(u, "size", 0) or 0) > limit for u in uploads):
            errors["photos"] = _("The file is larger than the limit of %(mb)s MB.") % {
                "mb": round(limit / 1048576, 1)
            }
    if errors:
        raise ValidationError(errors)
    return {
        "category": category,
        "description": description,
        "phone": phone,
        "address": address,
        "latitude": lat,
        "longitude": lng,
        "uploads": uploads,
        "region_code": unit.region_id if unit is not None else region_code,
    }


def receive_tip(
    *,
    unit=None,
    region_code: str = "",
    category: str,
    description: str,
    phone: str = "",
    address: str = "",
    latitude=None,
    longitude=None,
    uploads=(),
    client_address: str = "",
    now: dt.datetime | None = None,
) -> Tip:
    """File a public tip; returns it (status `received`, with its tracking code).

    ValidationError for bad input and TooManyTips over the rate limit, both before anything
    is stored; PhotoError for a photo that is not a sound image (nothing stored)."""
    now = now or timezone.now()
    data = check_input(
        unit=unit,
        region_code=region_code,
        category=category,
        description=description,
        phone=phone,
        address=address,
        latitude=latitude,
        longitude=longitude,
        uploads=uploads,
    )
    throttle.admit(client_address, unit.pk if unit is not None else None, now)
    region = data["region_code"]
    due_at, estimated = answer_due(now)
    actor = public_actor() if data["uploads"] else None
    with transaction.atomic():
        photos = [
            store_photo(
                upload,
                actor=actor,
                region_code=region,
                unit_id=None,  # the tip's, never the accused unit's
                original_name="",
            )
            for upload in data["uploads"]
        ]
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    tip = Tip.objects.create(
                        tracking_code=new_tracking_code(),
                        unit=unit,
                        region_code=region,
                        county_code=county_of(region),
                        category=data["category"],
                        description=data["description"],
                        phone=data["phone"],
                        address=data["address"],
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                        received_at=now,
                        due_at=due_at,
                        due_estimated=estimated,
                    )
                break
            except IntegrityError:  # the tracking code was taken: draw another
                continue
        else:  # pragma: no cover - 31^10 codes
            raise RuntimeError("no free tracking code")
        if photos:
            claim_photos(
                [p.pk for p in photos],
                actor=actor,
                unit_id=None,
                region_code=region,
                ref=f"tip:{tip.pk}",
            )
            tip.photos.set(photos)
        record_event(
            "tip.received",
            actor_label="public",
            obj=tip,
            region_code=region,
            object_repr=f"tip {tip.pk}",
            after={
                "category": tip.category,
                "unit_id": tip.unit_id,
                "photos": len(photos),
                "due_at": tip.due_at.isoformat(),
            },
        )
    return tip


def _unit_for(tip: Tip, unit, actor, perm: str):
    """The unit a hazard or task is recorded at: the tip's own, or (a tip from the province
    page) one the regulator names, inside the tip's county and their scope."""
    unit = tip.unit or unit
    if unit is None:
        raise ValidationError({"unit_id": _("Choose the unit the tip is about.")})
    if tip.unit is None and not region_codes.contains(tip.county_code, unit.region_id):
        raise ValidationError({"unit_id": _("The unit lies outside the tip's county.")})
    if not can(actor, perm, region_code=unit.region_id, unit_id=unit.pk):
        raise PermissionDenied(_("Your role does not allow this action here."))
    return unit


def _task_for(unit, due_on: dt.date, inspector, actor) -> InspectionTask:
    """An open inspection task of the unit due by `due_on`, else a new one (source `tip`)."""
    existing = (
        InspectionTask.objects.filter(unit=unit, status=TaskStatus.OPEN, due_on__lte=due_on)
        .order_by("due_on", "id")
        .first()
    )
    task = existing
    if task is None:
        try:
            with transaction.atomic():
                task = InspectionTask.objects.create(
                    unit=unit, region_code=unit.region_id, source=TaskSource.TIP, due_on=due_on
                )
        except IntegrityError:  # the unit already has a task without a campaign that day
            task = InspectionTask.objects.filter(
                unit=unit, due_on=due_on, campaign__isnull=True
            ).first()
            if task is None or task.status != TaskStatus.OPEN:
                raise ValidationError(
                    {"due_on": _("The unit already had an inspection that day: choose another.")}
                ) from None
    if inspector is not None:
        task.inspectors.add(inspector)
    return task


def triage_tip(
    tip: Tip,
    *,
    actor,
    outcome: str,
    version: int | None = None,
    reason: str = "",
    title: str = "",
    description: str = "",
    category: str = "",
    unit=None,
    due_on: dt.date | None = None,
    inspector=None,
    now: dt.datetime | None = None,
) -> Tip:
    """Answer a tip once: a hazard, an inspection task or a dismissal (see the module)."""
    now = now or timezone.now()
    require(actor, "tip.triage", region_code=tip.region_code, obj=tip)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose what to do with the tip.")})
    if tip.status != TipStatus.RECEIVED:
        raise TipAnswered(_("This tip has been answered already."))
    if version is not None and version != tip.version:
        raise TipChanged(_("This tip changed meanwhile: look at it again."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        message = _("At most %(count)s characters.") % {"count": REASON_MAX}
        raise ValidationError({"reason": message})
    changes: dict = {"status": OUTCOME_STATUS[outcome], "triaged_at": now, "triaged_by": actor}
    with transaction.atomic():
        if outcome == Outcome.DISMISS:
            if not reason:
                raise ValidationError({"reason": _("Say why the tip is dismissed.")})
        elif outcome == Outcome.HAZARD:
            at = _unit_for(tip, unit, actor, "hazard.create")
            hazard = create_hazard(
                at,
                actor=actor,
                source=Source.PUBLIC_TIP,
                source_ref=f"tip:{tip.pk}",
                title=(title or "").strip()[:200],
                description=(description or "").strip() or tip.description,
                category=category if category in Category.values else HAZARD_CATEGORY[tip.category],
                found_at=now,
            )
            changes["hazard"] = hazard
        else:
            at = _unit_for(tip, unit, actor, "inspection.create")
            if inspector is not None and not can(
                inspector, "inspection.create", region_code=at.region_id, unit_id=None
            ):
                raise ValidationError({"inspector_id": _("This person cannot inspect this unit.")})
            day = due_on or timezone.localdate(now) + dt.timedelta(days=7)
            if day < timezone.localdate(now):
                raise ValidationError({"due_on": _("The date has passed.")})
            changes["task"] = _task_for(at, day, inspector, actor)
        changes["reason"] = reason
        updated = Tip.objects.filter(
            pk=tip.pk, status=TipStatus.RECEIVED, version=tip.version
        ).update(version=tip.version + 1, **changes)
        if not updated:
            raise TipChanged(_("This tip changed meanwhile: look at it again."))
        for field, value in changes.items():
            setattr(tip, field, value)
        tip.version += 1
        record_event(
            "tip.triage",
            actor=actor,
            obj=tip,
            object_repr=f"tip {tip.pk}",
            after={
                "outcome": outcome,
                "hazard_id": getattr(changes.get("hazard"), "pk", None),
                "task_id": getattr(changes.get("task"), "pk", None),
            },
        )
    return tip
