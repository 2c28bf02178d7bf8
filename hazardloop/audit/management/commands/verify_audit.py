from django.core.management.base import BaseCommand, CommandError

from hazardloop.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; report the first broken link and exit 1 if any."

    def handle(self, *args, **options):
        checked, broken, reason = verify_chain()
        if reason:
            where = (
                f"event #{broken.seq} (id {broken.pk}, {broken.action})"
                if broken
                else "the chain end"
            )
            raise CommandError(
                f"Audit chain broken at {where}: {reason}. {checked} events before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events."))
