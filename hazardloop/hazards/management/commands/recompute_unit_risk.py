from django.core.management.base import BaseCommand

from hazardloop.hazards import unit_risk


class Command(BaseCommand):
    help = (
        "Count every unit's open, open major and overdue hazards again and recompute the risk "
        "of the units whose counts changed (audited). Safe to run at any time."
    )

    def handle(self, *args, **options):
        written = unit_risk.refresh_all()
        self.stdout.write(f"{written} units updated.")
