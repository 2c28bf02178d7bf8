from django.core.management.base import BaseCommand

from hazardloop.reports.aggregates import refresh


class Command(BaseCommand):
    help = "Refresh the statistics aggregates (the buckets touched since the last refresh)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every bucket")

    def handle(self, *args, full, **options):
        done = refresh(full=full)
        kind = "full rebuild" if done["full"] else f"{done['buckets']} buckets"
        self.stdout.write(f"statistics aggregates: {kind} in {done['seconds']:.2f} s")
