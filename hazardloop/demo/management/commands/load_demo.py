import hashlib
import random
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from hazardloop.accounts.models import Membership
from hazardloop.demo.accidents import load_accidents
from hazardloop.demo.accountability import load_accountability
from hazardloop.demo.campaigns import load_campaigns
from hazardloop.demo.certificates import load_certificates
from hazardloop.demo.departments import load_departments
from hazardloop.demo.drills import load_drills, load_publicity
from hazardloop.demo.duty import load_duty
from hazardloop.demo.hazards import load_hazards
from hazardloop.demo.inspections import load_inspections
from hazardloop.demo.models import DemoLoad
from hazardloop.demo.obligations import load_obligations
from hazardloop.demo.people import STAFF, load_people
from hazardloop.demo.permits import load_permits
from hazardloop.demo.progress import progress_hazards
from hazardloop.demo.tips import load_tips
from hazardloop.demo.training import load_training
from hazardloop.demo.units import load_units
from hazardloop.reports.aggregates import refresh
from hazardloop.supervision.demo import load_supervision_demo


class Command(BaseCommand):
    help = "Load the demo province (idempotent: what exists is kept) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20220928, help="random seed for demo data")
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")
        parser.add_argument("--force", action="store_true", help="run every loader again")

    @staticmethod
    def fingerprint(seed: int) -> str:
        """Changes when any demo loader's code or the seed changes."""
        digest = hashlib.sha256(str(seed).encode())
        for path in sorted(Path(__file__).resolve().parents[2].rglob("*.py")):
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def print_logins(self):
        """Every demo login with who it is: the staff's post, and the unit each `unit@` account
        manages (the first ten), in the site's language whatever the caller had active."""
        with translation.override(settings.LANGUAGE_CODE):
            self._print_logins()

    def _print_logins(self):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {settings.DEMO_PASSWORD})"))
        rows = [("admin", "administrator")]
        rows += [(username, spec[3]) for username, spec in STAFF.items()]
        managed = (
            Membership.objects.filter(
                user__username__startswith="unit@", unit__isnull=False, is_active=True
            )
            .select_related("user", "unit", "unit__region")
            .order_by("user_id", "pk")
        )
        units: dict[str, list[str]] = {}
        for m in managed:
            if len(units) == 10 and m.user.username not in units:
                break
            units.setdefault(m.user.username, []).append(f"{m.unit.name} ({m.unit.region.name})")
        rows += [(username, "manages " + ", ".join(names)) for username, names in units.items()]
        width = max(len(username) for username, _who in rows)
        for username, who in rows:
            self.stdout.write(f"  {username.ljust(width)}  {who}")

    def handle(self, *args, seed, quiet, force, **options):
        if settings.PRODUCTION:
            # The demo's accounts share a published password: never in production.
            self.stdout.write(
                "Production mode: the demo province is not loaded. Create the first "
                "administrator with `manage.py create_admin`."
            )
            return
        fingerprint = self.fingerprint(seed)
        if not force and DemoLoad.objects.filter(fingerprint=fingerprint).exists():
            self.stdout.write("The demo province is already loaded.")
            if not quiet:
                self.print_logins()
            return
        rng = random.Random(seed)
        with transaction.atomic():
            departments = load_departments()
            load_people(rng)
            units = load_units(rng)
            hazards = load_hazards(rng)
            inspections = load_inspections(rng)
            campaigns = load_campaigns()
            progressed = progress_hazards()
            documents = load_supervision_demo()
            accidents = load_accidents()
            tips = load_tips()
            cases = load_accountability()
            shifts = load_duty()
            duties = load_obligations(rng)
            trainings = load_training(rng)
            drills = load_drills()
            publicity = load_publicity()
            permits = load_permits()
            certificates = load_certificates()
            # The demo writes some times directly (inspections' received_at): rebuild the
            # statistics from scratch rather than trusting an incremental refresh.
            refresh(full=True)
        if departments:
            self.stdout.write(f"Created {departments} departments.")
        if units:
            self.stdout.write(f"Created {units} units.")
        if hazards:
            self.stdout.write(f"Created {hazards} hazards.")
        if inspections:
            self.stdout.write(f"Created {inspections} inspections.")
        if campaigns:
            self.stdout.write(f"Created {campaigns} campaigns.")
        if progressed:
            self.stdout.write(f"Moved {progressed} hazards along the rectification loop.")
        if documents:
            self.stdout.write(f"Created {documents} enforcement documents.")
        if accidents:
            self.stdout.write(f"Created {accidents} accident reports.")
        if tips:
            self.stdout.write(f"Created {tips} public tips.")
        if cases:
            self.stdout.write(f"Raised {cases} accountability proposals.")
        if shifts:
            self.stdout.write(f"Created {shifts} duty shifts.")
        if certificates:
            self.stdout.write(f"Created {certificates} staff certificates.")
        if duties:
            self.stdout.write(f"Created {duties} patrols and self-inspections of the units.")
        if trainings:
            self.stdout.write(f"Created {trainings} training records with staff lists.")
        if drills:
            self.stdout.write(f"Recorded {drills} drills of the demo units.")
        if publicity:
            self.stdout.write(f"Recorded {publicity} publicity activities.")
        if permits:
            self.stdout.write(f"Created {permits} hot-work permits.")
        DemoLoad.objects.get_or_create(fingerprint=fingerprint)
        if not quiet:
            self.print_logins()
