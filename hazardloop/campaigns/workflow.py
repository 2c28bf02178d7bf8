"""Campaign status: the transition table and the one compare-and-swap helper."""

from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.campaigns.choices import CampaignStatus, EventKind
from hazardloop.campaigns.models import Campaign, CampaignEvent

S = CampaignStatus
# action → (allowed from, to, event kind)
TRANSITIONS = {
    "launch": ((S.DRAFT,), S.ACTIVE, EventKind.LAUNCHED),
    "close": ((S.ACTIVE,), S.CLOSED, EventKind.CLOSED),
}


class CampaignChanged(Exception):
    def __init__(self):
        super().__init__(_("This campaign changed meanwhile. Reload it and try again."))


class NotAllowedNow(Exception):
    pass


def transition(campaign: Campaign, action: str, *, actor, note: str = "") -> Campaign:
    """Move the campaign by `action` if its status and version are still the ones read."""
    sources, target, kind = TRANSITIONS[action]
    if campaign.status not in sources:
        raise NotAllowedNow(
            _("This is not possible while the campaign is %(status)s.")
            % {"status": campaign.get_status_display()}
        )
    updated = Campaign.objects.filter(
        pk=campaign.pk, version=campaign.version, status=campaign.status
    ).update(status=target, version=campaign.version + 1)
    if not updated:
        raise CampaignChanged()
    before = campaign.status
    campaign.status, campaign.version = target, campaign.version + 1
    CampaignEvent.objects.create(
        campaign=campaign,
        kind=kind,
        from_status=before,
        to_status=target,
        actor=actor,
        at=timezone.now(),
        note=note[:300],
    )
    record_event(
        f"campaign.{action}",
        actor=actor,
        obj=campaign,
        before={"status": before},
        after={"status": target},
    )
    return campaign
