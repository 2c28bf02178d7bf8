"""The campaign check behind core.references.campaign_covers (CAMPAIGN_REFERENCE_CHECK)."""

from hazardloop.campaigns.models import Campaign
from hazardloop.regions import codes as region_codes


def campaign_covers_unit(user, campaign_id, unit) -> bool:
    """The campaign exists, the user may see it, and its region contains the unit's."""
    try:
        campaign_id = int(campaign_id)
    except (TypeError, ValueError):
        return False
    if not 0 < campaign_id < 2**63:
        return False
    campaign = (
        Campaign.objects.visible_to(user).filter(pk=campaign_id).only("pk", "region_code").first()
    )
    return campaign is not None and region_codes.contains(campaign.region_code, unit.region_id)
