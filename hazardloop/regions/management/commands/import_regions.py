from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hazardloop.audit.services import record_event
from hazardloop.regions.loading import RegionFileError, read_rows, upsert_regions
from hazardloop.regions.models import Region


class Command(BaseCommand):
    help = (
        "Add or update regions (e.g. townships) from a UTF-8 CSV with the columns "
        "code,parent,level,name_zh,name_en,note. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)

    def handle(self, *args, csv: Path, **options):
        if not csv.exists():
            raise CommandError(f"{csv} does not exist.")
        try:
            rows = read_rows(csv)
            with transaction.atomic():
                created, updated = upsert_regions(Region, rows)
                record_event(
                    "regions.imported",
                    actor_label="manage.py",
                    message=f"{csv.name}: {created} created, {updated} updated",
                )
        except RegionFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{created} regions created, {updated} updated."))
