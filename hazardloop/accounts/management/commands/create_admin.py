import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hazardloop.accounts.bootstrap import create_admin


class Command(BaseCommand):
    help = (
        "Create an administrator over the whole province. Asks for the password twice (or reads "
        "one line from standard input with --password-stdin); default passwords are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args, username, name, password_stdin, **options):
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            if not sys.stdin.isatty():
                raise CommandError(
                    "No terminal to ask for the password: use --password-stdin to pipe it in."
                )
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
        try:
            user = create_admin(username=username, display_name=name or username, password=password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing was created.") from exc
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.get_username()} created."))
