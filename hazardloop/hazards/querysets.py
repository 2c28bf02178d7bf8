"""Hazard queryset predicates. "Overdue" is derived here, never stored."""

from django.db import models

from hazardloop.accounts.access import scope_for
from hazardloop.hazards.choices import DONE_STATUSES, OPEN_STATUSES, REGULATOR_CLOCKS
from hazardloop.regions.models import subtree_filter


class HazardQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = "hazard.view"):
        """The hazards the user may see with perm: the one way in to hazard rows."""
        return scope_for(user, perm).filter(self, "region_code", "unit")

    def open(self):
        """Not yet verified or closed."""
        return self.filter(status__in=OPEN_STATUSES)

    def done(self):
        return self.filter(status__in=DONE_STATUSES)

    def overdue(self, now):
        """Deadline passed and not verified or closed, at `now`."""
        return self.open().filter(due_at__lt=now)

    def clock_lapsed(self, now, kinds=None):
        """Open and waiting for a regulator (to order, to re-check) past the time limit at
        `now`; `kinds` narrows to some of the regulator's clocks."""
        return self.open().filter(clock__in=list(kinds or REGULATOR_CLOCKS), clock_due_at__lt=now)

    def not_overdue(self, now):
        return self.exclude(status__in=OPEN_STATUSES, due_at__lt=now)

    def in_region(self, prefix: str):
        return self.filter(subtree_filter("region_code", prefix))

    def with_unit(self):
        return self.select_related("unit", "unit__region")
