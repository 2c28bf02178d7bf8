from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hazardloop.audit.services import record_event
from hazardloop.hazards.deadlines import refresh_estimated_clocks
from hazardloop.hazards.loading import upsert_holiday_year
from hazardloop.hazards.models import HolidayYear
from hazardloop.lib.workdays import CalendarError


class Command(BaseCommand):
    help = (
        "Load one year's public holidays and make-up working days from a JSON file "
        "(format: hazardloop/lib/workdays.py; example: hazards/data/calendars/cn-2026.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with transaction.atomic():
                row, created = upsert_holiday_year(HolidayYear, path)
                record_event("hazard.holidays_loaded", obj=row, message=f"{row.year} from {path}")
                refreshed = refresh_estimated_clocks()
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{'Loaded' if created else 'Replaced'} the {row.year} calendar; "
            f"{refreshed} estimated time limits computed again."
        )
