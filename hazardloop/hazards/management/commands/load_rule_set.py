from django.core.management.base import BaseCommand, CommandError

from hazardloop.hazards.grading import RuleSetError, load_document
from hazardloop.hazards.models import RuleSet
from hazardloop.hazards.services import save_rule_set


class Command(BaseCommand):
    help = (
        "Load (or revise) a major-hazard rule set from a JSON file, e.g. GB 35181-2025. "
        "See hazardloop/hazards/grading.py for the format and data/rulesets/ for examples. "
        "Each load is a new version of the rule set (as a save in the rule-set editor)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--note", default="", help="why (kept with the version)")

    def handle(self, *args, path, note="", **options):
        try:
            document = load_document(path)
            existed = RuleSet.objects.filter(code=str(document.get("code", ""))).exists()
            row = save_rule_set(
                document, actor=None, note=note or f"loaded from {path}", check=False
            )
        except RuleSetError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Revised" if existed else "Loaded"
        self.stdout.write(
            f"{verb} {row.code} ({row.family}-{row.edition}, from {row.valid_from}), "
            f"version {row.version}."
        )
