"""Recording a publicity activity (宣传) of a campaign, by an office or by a unit.

`record_activity(actor=…, …)` checks the input and the actor's right, stores the photos through
the evidence service (the same validation as inspection photos) and an optional document (a PDF
or photo, `evidence.documents`), and saves the activity with an audit event, in one transaction.
An office records for a region in its scope (province, city, county or township); a unit's
manager or safety officer for their own unit. The campaign must be one the actor sees and reach
the place (its region contains it)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.accounts.access import belongs_to_unit, deny, scope_for
from hazardloop.audit.services import record_event
from hazardloop.campaigns.models import Campaign
from hazardloop.evidence.documents import store_document
from hazardloop.evidence.services import claim_photos, store_photo
from hazardloop.publicity.choices import ActivityKind, Level
from hazardloop.publicity.models import MAX_REACH, TEXT_MAX, TITLE_MAX, Activity
from hazardloop.regions import codes
from hazardloop.regions.models import Region

MAX_PHOTOS = 6
LEVELS = {
    codes.PROVINCE: Level.PROVINCE,
    codes.PREFECTURE: Level.CITY,
    codes.COUNTY: Level.COUNTY,
    codes.TOWNSHIP: Level.TOWNSHIP,
}


def _place(actor, *, unit, region_code: str, errors: dict) -> tuple[str, str]:
    """(region code, level) of the activity, after the actor's right to record there."""
    if unit is not None:
        if not (
            belongs_to_unit(actor, unit.pk)
            and scope_for(actor, "publicity.record").covers(unit.region_id, unit.pk)
        ):
            deny(actor, "publicity.record", obj=unit, region_code=unit.region_id)
        return unit.region_id, Level.UNIT
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None or codes.level(region.code) not in LEVELS:
        errors["region"] = _("Choose the province, city, county or township.")
        return region_code, ""
    if not scope_for(actor, "publicity.record").covers_region(region.code):
        deny(actor, "publicity.record", region_code=region.code)
    return region.code, LEVELS[codes.level(region.code)]


def record_activity(
    *, actor, kind: str, held_on, reach, title: str, campaign: Campaign | None = None,
    unit=None, region_code: str = "", description: str = "", uploads=(), document=None,
    now=None,
) -> Activity:  # fmt: skip
    """Record one activity; returns it. ValidationError naming each bad field, PhotoError for an
    unsound photo or document, PermissionDenied for a place the actor may not record for —
    nothing is saved then."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    where, level = _place(actor, unit=unit, region_code=region_code, errors=errors)
    if kind not in ActivityKind.values:
        errors["kind"] = _("Choose the type of activity.")
    if held_on is None:
        errors["held_on"] = _("Give the date.")
    elif held_on > timezone.localdate(now) + dt.timedelta(days=1):
        errors["held_on"] = _("The date cannot be in the future.")
    elif campaign is not None and not (campaign.starts_on <= held_on <= campaign.ends_on):
        errors["held_on"] = _("The date lies outside the campaign (%(start)s – %(end)s).") % {
            "start": campaign.starts_on.isoformat(),
            "end": campaign.ends_on.isoformat(),
        }
    if reach is None or not (0 <= reach <= MAX_REACH):
        errors["reach"] = _("Give the number of people reached.")
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("At most %(count)s characters.") % {"count": TITLE_MAX}
    description = (description or "").strip()
    if len(description) > TEXT_MAX:
        errors["description"] = _("At most %(count)s characters.") % {"count": TEXT_MAX}
    if campaign is not None and where and not codes.contains(campaign.region_code, where):
        errors["campaign"] = _("The campaign does not reach this place.")
    uploads = [u for u in uploads or () if u is not None]
    if len(uploads) > MAX_PHOTOS:
        errors["photos"] = _("At most %(count)s photos.") % {"count": MAX_PHOTOS}
    if errors:
        raise ValidationError(errors)
    unit_id = unit.pk if unit is not None else None
    with transaction.atomic():
        doc = store_document(document, folder="publicity") if document is not None else None
        photos = [
            store_photo(u, actor=actor, region_code=where, unit_id=unit_id, original_name="")
            for u in uploads
        ]
        activity = Activity.objects.create(
            campaign=campaign, region_code=where, level=level, unit=unit, kind=kind,
            held_on=held_on, reach=reach, title=title, description=description,
            file=doc.name if doc else "", file_type=doc.content_type if doc else "",
            recorded_by=actor,
        )  # fmt: skip
        if photos:
            claim_photos(
                [p.pk for p in photos], actor=actor, unit_id=unit_id, region_code=where,
                ref=f"publicity:{activity.pk}",
            )  # fmt: skip
            activity.photos.set(photos)
        record_event(
            "publicity.recorded", actor=actor, obj=activity,
            after={
                "campaign_id": activity.campaign_id, "level": level, "unit_id": unit_id,
                "kind": kind, "held_on": held_on.isoformat(), "reach": reach,
                "photos": len(photos), "document": bool(doc),
            },
        )  # fmt: skip
    return activity
