import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from hazardloop.demo.departments import load_departments
from hazardloop.demo.people import STAFF, load_people


class Command(BaseCommand):
    help = "Load the demo province (idempotent: what exists is kept) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20220928, help="random seed for demo data")
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args, seed, quiet, **options):
        rng = random.Random(seed)
        with transaction.atomic():
            departments = load_departments()
            unit_users = load_people(rng)
        if departments:
            self.stdout.write(f"Created {departments} departments.")
        if quiet:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {settings.DEMO_PASSWORD})"))
        for username in ["admin", *STAFF, *unit_users]:
            self.stdout.write(f"  {username}")
