from django.core.management.base import BaseCommand

from hazardloop.checklists.services import load_builtin_templates


class Command(BaseCommand):
    help = "Create or update the built-in checklist templates from hazardloop/checklists/data."

    def handle(self, *args, **options):
        counts = load_builtin_templates()
        self.stdout.write(
            "Checklists: {created} created, {revised} revised, {unchanged} unchanged.".format(
                **counts
            )
        )
