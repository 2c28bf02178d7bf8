"""Checking ids that a payload names in apps the receiving app may not import.

An inspection or a hazard may be recorded "for" a campaign, but inspections and hazards sit
left of campaigns in the import order. The check is named in settings (like the notification
attachment hooks), so the apps stay unaware of each other while no id goes unchecked.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def campaign_covers(user, campaign_id, unit) -> bool:
    """May `user` record work at `unit` for campaign `campaign_id`? (None: no campaign.)"""
    if campaign_id is None:
        return True
    return bool(import_string(settings.CAMPAIGN_REFERENCE_CHECK)(user, campaign_id, unit))
