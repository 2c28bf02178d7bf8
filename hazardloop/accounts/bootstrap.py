"""Production safety: the first administrator, and no account left with a known default password.

The demo province creates accounts with a published password (README, `DEMO_PASSWORD`). In
production (`HAZARDLOOP_PRODUCTION=1`) the demo never loads, the first administrator is created by
`create_admin` with a password typed by a person, and start-up refuses to serve while a privileged
account still signs in with a known default password.
"""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from hazardloop.accounts.choices import Role
from hazardloop.accounts.models import Membership, User
from hazardloop.audit.services import record_event
from hazardloop.regions.models import Region

# Passwords that are published somewhere (the README's demo password) or that installers type by
# habit. Compared case-insensitively after trimming.
KNOWN_DEFAULTS = frozenset(
    {"hazardloop-demo", "admin", "administrator", "password", "changeme", "hazardloop"}
)
# Privileged accounts checked at start-up at most (each check is one Argon2 verification).
CHECK_LIMIT = 200


def known_defaults() -> set[str]:
    return {p.strip().lower() for p in (*KNOWN_DEFAULTS, settings.DEMO_PASSWORD) if p}


class KnownDefaultPasswordValidator:
    """A password validator: refuses the demo password and other published defaults."""

    def validate(self, password, user=None):
        if (password or "").strip().lower() in known_defaults():
            raise ValidationError(
                _("This password is published with the software. Choose another."),
                code="known_default_password",
            )

    def get_help_text(self):
        return _("Your password cannot be a default password published with the software.")


def privileged_users():
    """Active accounts whose default password would hand over the most: superusers, staff and
    every account holding an administrator or regulator membership."""
    held = Membership.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.REGULATOR])
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True) | Q(pk__in=held.values("user_id")))
        .order_by("pk")
    )


def accounts_with_default_password(limit: int = CHECK_LIMIT) -> list[str]:
    """Usernames of privileged accounts that sign in with a known default password."""
    found = []
    defaults = sorted(known_defaults())
    for user in privileged_users()[:limit]:
        if user.has_usable_password() and any(user.check_password(p) for p in defaults):
            found.append(user.get_username())
    return found


def create_admin(*, username: str, display_name: str, password: str) -> User:
    """Create an administrator over the whole province with a password that passes the
    validators (including `KnownDefaultPasswordValidator`). Raises ValidationError, writes
    nothing, when the username is taken or the password is refused."""
    username = (username or "").strip()
    if not username:
        raise ValidationError(_("Give a username."))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("An account with this username already exists."))
    candidate = User(username=username, display_name=display_name)
    validate_password(password, candidate)
    KnownDefaultPasswordValidator().validate(password, candidate)
    root = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:
        raise ValidationError(_("No regions are loaded yet: run the migrations first."))
    with transaction.atomic():
        candidate.is_staff = candidate.is_superuser = True
        candidate.set_password(password)
        candidate.save()
        Membership.objects.create(user=candidate, role=Role.ADMIN, region=root)
        record_event("account.admin_created", actor_label="command line", obj=candidate)
    return candidate
