from django.core.management.base import BaseCommand, CommandError

from hazardloop.accounts.bootstrap import accounts_with_default_password


class Command(BaseCommand):
    help = (
        "Fail when an administrator, regulator or staff account still signs in with a known "
        "default password (the demo password among them). Run by start-up in production."
    )

    def handle(self, *args, **options):
        found = accounts_with_default_password()
        if found:
            raise CommandError(
                "These accounts sign in with a known default password: "
                + ", ".join(found)
                + ". Change their passwords (or deactivate them) before serving in production."
            )
        self.stdout.write("No privileged account uses a known default password.")
