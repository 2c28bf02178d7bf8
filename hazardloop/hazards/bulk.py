"""Ordering several found hazards at once, with one deadline and one set of measures.

Each hazard goes through the one action table (`workflow.perform`) exactly as a single order
does: its own scope check (out of scope reads as "not found" and is audited), role, status,
version, event, audit and notifications, in its own transaction.

What an officer expects from a list: the hazards that could be ordered are ordered, and each
one that could not is named with its reason; a refusal of one never undoes the others. When
none was ordered the whole request is refused with the reasons (`NothingOrdered`), and if
every hazard was out of the caller's scope or role, the answer is exactly that of a single
order (404 or 403), so a list of one behaves like the single action.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hazardloop.core.errors import Conflict, DomainError
from hazardloop.hazards import schemas, workflow
from hazardloop.hazards.access import access_hazard

MAX_ITEMS = 200


@dataclass(frozen=True)
class Refusal:
    hazard_id: int
    code: str  # not_found, permission_denied, not_allowed_now, changed, invalid
    reason: str  # translated, for the user


@dataclass
class BulkResult:
    ordered: list = field(default_factory=list)  # the hazards, as ordered
    refused: list[Refusal] = field(default_factory=list)


class NothingOrdered(Conflict):
    """No hazard of the list could be ordered; `errors` names each one's reason."""

    code = "nothing_ordered"

    def __init__(self, refused: list[Refusal]):
        super().__init__(_("No hazard was ordered."))
        self.refused = refused
        self.errors = [refusal_text(r) for r in refused]


def refusal_text(refusal: Refusal) -> str:
    return _("#%(id)s: %(reason)s") % {"id": refusal.hazard_id, "reason": refusal.reason}


def order_many(user, ids, payload: schemas.OrderIn) -> BulkResult:
    """Order every hazard in `ids` (in the order given, duplicates once) with `payload`.

    Raises DomainError for a list too long or empty or a deadline already past (nothing
    written); Http404 / PermissionDenied when every hazard was out of scope / role; and
    NothingOrdered when none could be ordered for other reasons.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise DomainError(_("Choose at least one hazard."))
    if len(ids) > MAX_ITEMS:
        raise DomainError(_("Order at most %(count)s hazards at once.") % {"count": MAX_ITEMS})
    if payload.due_at is not None and payload.due_at <= timezone.now():
        raise DomainError(_("The deadline must be in the future."))
    # One deadline for all: a per-hazard version makes no sense in a list.
    payload = payload.model_copy(update={"version": None})
    result = BulkResult()
    for pk in ids:
        try:
            hazard = access_hazard(user, pk)
            workflow.perform(hazard, payload, actor=user)
        except Http404:
            result.refused.append(Refusal(pk, "not_found", _("Not found.")))
        except PermissionDenied as exc:
            result.refused.append(
                Refusal(pk, "permission_denied", str(exc) or _("Your role does not allow this.")),
            )
        except DomainError as exc:
            result.refused.append(Refusal(pk, exc.code, str(exc)))
        except ValidationError as exc:
            result.refused.append(Refusal(pk, "invalid", " ".join(exc.messages)))
        else:
            result.ordered.append(hazard)
    if not result.ordered:
        codes = {r.code for r in result.refused}
        if codes == {"not_found"}:
            raise Http404(_("Not found."))
        if codes <= {"not_found", "permission_denied"}:
            raise PermissionDenied(_("Your role does not allow this action here."))
        raise NothingOrdered(result.refused)
    return result


def summary(result: BulkResult) -> str:
    count = len(result.ordered)
    return ngettext(
        "Ordered %(count)s hazard: %(ids)s.", "Ordered %(count)s hazards: %(ids)s.", count
    ) % {"count": count, "ids": ", ".join(f"#{h.pk}" for h in result.ordered)}
