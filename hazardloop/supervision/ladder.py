"""The supervision ladder's thresholds: configuration, per province, never code.

No law fixes these numbers (regulations.md has none for the ladder): each province sets its
own. `settings.SUPERVISION_LADDER` maps a region-code prefix ("22" for Jilin, "2201" for one
city if a city ever needs its own) to the keys it changes; everything else comes from
`DEFAULT_LADDER`. docs/workflows.md ("Supervision ladder and documents") documents every key.

    SUPERVISION_LADDER = {"22": {"letter_after_days": 5, "listing_level_major": "province"}}
"""

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hazardloop.hazards.choices import ListedLevel
from hazardloop.regions.choices import DepartmentKind

DEFAULT_LADDER = {
    # A "deadline in N days" notice to the unit this many days before the deadline.
    "due_soon_days": 3,
    # The reminder, this many days after the deadline (0: as soon as it passes).
    "reminder_after_days": 0,
    # The supervision letter (督办函), this many days after the deadline.
    "letter_after_days": 7,
    # The unit answers a letter or a listing with a written report within this many days.
    "reply_days": 10,
    # Listing (挂牌督办): major hazards this many days overdue, general ones this many.
    "listing_after_days_major": 15,
    # List a major hazard as soon as it is determined (regulations.md §12.4 [V-2]: provinces
    # commonly report a major hazard to the government at the same level for listed
    # supervision on determination, not only once overdue). Off unless the province says so.
    "listing_major_on_determination": False,
    "listing_after_days_general": 60,
    # The level a hazard is listed at.
    "listing_level_major": ListedLevel.CITY.value,
    "listing_level_general": ListedLevel.COUNTY.value,
    # An accountability proposal for a listed hazard still open this many days after the deadline.
    "accountability_after_days": 90,
    # Which department (of the county / the listing level) signs letters and listing notices.
    "issuer_kind": DepartmentKind.SAFETY_COMMITTEE.value,
    # A regulator's time limit missed (a found hazard not ordered, a submitted one not
    # re-checked; hazards/deadlines.py): the responsible office (the hazard's county) is reminded
    # this many days after the limit, and the office above told this many days after it.
    "clock_reminder_after_days": 0,
    "clock_escalate_after_days": 5,
}


@dataclass(frozen=True)
class Ladder:
    prefix: str
    due_soon_days: int
    reminder_after_days: int
    letter_after_days: int
    reply_days: int
    listing_after_days_major: int
    listing_major_on_determination: bool
    listing_after_days_general: int
    listing_level_major: str
    listing_level_general: str
    accountability_after_days: int
    issuer_kind: str
    clock_reminder_after_days: int
    clock_escalate_after_days: int

    def listing_after_days(self, grade: str) -> int:
        return (
            self.listing_after_days_major if grade == "major" else self.listing_after_days_general
        )

    def listing_level(self, grade: str) -> str:
        return self.listing_level_major if grade == "major" else self.listing_level_general


def _build(prefix: str, overrides: dict) -> Ladder:
    unknown = set(overrides) - set(DEFAULT_LADDER)
    if unknown:
        raise ImproperlyConfigured(
            f"SUPERVISION_LADDER[{prefix!r}] has unknown keys: {sorted(unknown)}"
        )
    values = {**DEFAULT_LADDER, **overrides}
    for name in values:
        if name.endswith("_days") and (not isinstance(values[name], int) or values[name] < 0):
            raise ImproperlyConfigured(
                f"SUPERVISION_LADDER[{prefix!r}][{name!r}] must be a whole number of days ≥ 0"
            )
    if not isinstance(values["listing_major_on_determination"], bool):
        raise ImproperlyConfigured(
            f"SUPERVISION_LADDER[{prefix!r}]['listing_major_on_determination'] must be "
            "True or False"
        )
    for name in ("listing_level_major", "listing_level_general"):
        if values[name] not in ListedLevel.values:
            raise ImproperlyConfigured(
                f"SUPERVISION_LADDER[{prefix!r}][{name!r}] must be one of {ListedLevel.values}"
            )
    if values["issuer_kind"] not in DepartmentKind.values:
        raise ImproperlyConfigured(f"SUPERVISION_LADDER[{prefix!r}]['issuer_kind'] is unknown")
    order = [
        values["reminder_after_days"],
        values["letter_after_days"],
        min(values["listing_after_days_major"], values["listing_after_days_general"]),
    ]
    if order != sorted(order) or values["accountability_after_days"] < max(
        values["listing_after_days_major"], values["listing_after_days_general"]
    ):
        raise ImproperlyConfigured(
            f"SUPERVISION_LADDER[{prefix!r}]: the rungs must come in order "
            "(reminder ≤ letter ≤ listing ≤ accountability)"
        )
    if values["clock_reminder_after_days"] > values["clock_escalate_after_days"]:
        raise ImproperlyConfigured(
            f"SUPERVISION_LADDER[{prefix!r}]: clock_reminder_after_days must not be after "
            "clock_escalate_after_days"
        )
    names = {f.name for f in fields(Ladder)} - {"prefix"}
    return Ladder(prefix=prefix, **{k: values[k] for k in names})


def ladders() -> list[Ladder]:
    """Every configured ladder, most specific (longest prefix) first, the default ("") last."""
    configured = dict(getattr(settings, "SUPERVISION_LADDER", {}) or {})
    default = configured.pop("default", {})
    out = [_build(prefix, {**default, **over}) for prefix, over in configured.items()]
    out.sort(key=lambda ladder: -len(ladder.prefix))
    out.append(_build("", default))
    return out


def ladder_for(region_code: str) -> Ladder:
    """The ladder that applies to a region code."""
    for ladder in ladders():
        if region_code.startswith(ladder.prefix):
            return ladder
    raise AssertionError("the default ladder matches every code")  # pragma: no cover
