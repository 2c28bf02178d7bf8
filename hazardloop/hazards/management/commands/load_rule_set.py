from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hazardloop.audit.services import record_event
from hazardloop.hazards.grading import RuleSetError, load_document
from hazardloop.hazards.loading import upsert_rule_set
from hazardloop.hazards.models import RuleSet


class Command(BaseCommand):
    help = (
        "Load (or replace) a major-hazard rule set from a JSON file, e.g. GB 35181-2025. "
        "See hazardloop/hazards/grading.py for the format and data/rulesets/ for examples."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with transaction.atomic():
                row, created = upsert_rule_set(RuleSet, load_document(path))
                record_event("hazard.rule_set_loaded", obj=row, message=f"{row.code} from {path}")
        except RuleSetError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Loaded" if created else "Replaced"
        self.stdout.write(f"{verb} {row.code} ({row.family}, from {row.valid_from}).")
