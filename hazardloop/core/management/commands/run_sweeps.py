from django.conf import settings
from django.core.management.base import BaseCommand

from hazardloop.core.sweeps import loop


class Command(BaseCommand):
    help = "Run the periodic sweeps (deadlines, reminders, housekeeping) in a loop."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every step once and exit")
        parser.add_argument("--interval", type=int, default=settings.SWEEP_INTERVAL_SECONDS)

    def handle(self, *args, once, interval, **options):
        loop(interval, iterations=1 if once else None)
