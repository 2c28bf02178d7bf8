"""Make the short-search tokens of every unit again (search.py), e.g. after units were loaded
with a raw COPY or deleted. Idempotent."""

from django.core.management.base import BaseCommand

from hazardloop.units import tokens


class Command(BaseCommand):
    help = "Rebuild the one- and two-character search tokens of units."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since-id", type=int, default=0, help="only units with a larger id (keep the rest)"
        )

    def handle(self, *args, since_id: int = 0, **options):
        count = tokens.rebuild(since_id=since_id)
        self.stdout.write(f"{count} units")
