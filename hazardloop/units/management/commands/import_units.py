"""Import a (very large) spreadsheet of units from the command line, same rules as the page.

    manage.py import_units FILE --user USERNAME            dry run: list every problem row
    manage.py import_units FILE --user USERNAME --commit   import, all or nothing

The user's `unit.import` scope decides which regions the file may touch, and the audit log
names them. Progress is printed as the rows are read.
"""

import hashlib
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from hazardloop.accounts.models import User
from hazardloop.units.importing.run import import_units


class Command(BaseCommand):
    help = "Check (default) or import (--commit) a spreadsheet of units (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="username whose jurisdiction applies")
        parser.add_argument("--commit", action="store_true", help="import (default: dry run)")
        parser.add_argument("--max-errors", type=int, default=50, help="problems to print")

    def handle(self, *args, path, user, commit, max_errors, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        started = time.monotonic()

        def progress(done, total):
            self.stderr.write(f"\r{done} / ~{total} rows", ending="")
            self.stderr.flush()

        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        with open(path, "rb") as fh:
            result = import_units(
                fh, path, user=actor, commit=commit, progress=progress, sha256=digest.hexdigest()
            )
        self.stderr.write("")
        for column in result.table.get("columns", []):
            if column["header"]:
                self.stdout.write(
                    f"{column['letter']} {column['header']} → {column['field'] or '-'}"
                )
        if result.table.get("unknown"):
            self.stdout.write("not imported: " + ", ".join(result.table["unknown"]))
        for error in result.errors[:max_errors]:
            self.stdout.write(f"row {error['row']}, {error['column'] or '-'}: {error['message']}")
        if result.error_count > max_errors:
            self.stdout.write(f"… {result.error_count - max_errors} more problems")
        elapsed = time.monotonic() - started
        verb = "imported" if result.committed else "checked"
        self.stdout.write(
            f"{result.rows} rows {verb} in {elapsed:.1f} s: {result.created} to create / created, "
            f"{result.updated} updated, {result.unchanged} unchanged, {result.error_count} problems"
        )
        if result.error_count:
            sys.exit(1)
