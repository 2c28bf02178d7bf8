import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hazardloop.supervision.sweep import sweep


class Command(BaseCommand):
    help = (
        "Move overdue hazards up the supervision ladder (reminder, supervision letter, listing, "
        "accountability proposal). Idempotent: run it as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this moment (ISO 8601 with time zone)")

    def handle(self, *args, now=None, **options):
        moment = timezone.now()
        if now:
            moment = parse_datetime(now)
            if moment is None or timezone.is_naive(moment):
                raise CommandError("--now needs an ISO 8601 date and time with a time zone")
        started = time.monotonic()
        result = sweep(moment)
        self.stdout.write(
            f"reminded {result.reminded}, letters {result.letters}, listed {result.listed}, "
            f"accountability proposals {result.proposals} "
            f"in {time.monotonic() - started:.1f} s"
        )
