"""Users, their memberships (a role in a department or in a unit) and API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hazardloop.accounts.choices import DEPARTMENT_ROLES, UNIT_ROLES, Role


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their memberships."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Set when someone else gave this account a temporary password: until its owner chooses a
    # new one, every page sends them to the change page (accounts/middleware.py).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A role held in a department (scope: its region and everything below) or in a unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        "regions.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The region this membership covers: the department's, or the unit's."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_unit_roles_hold_a_unit",
                condition=(
                    Q(role__in=sorted(UNIT_ROLES), unit__isnull=False, department__isnull=True)
                    | Q(role__in=sorted(DEPARTMENT_ROLES), unit__isnull=True)
                ),
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        where = self.unit or self.department or self.region
        return f"{self.get_role_display()} @ {where}"


class SignInCounter(models.Model):
    """Sign-in attempts counted under one key, the state of the throttle (accounts/throttle.py).

    Keys: `address:<ip>` and `global` count attempts in a one-minute window (refused before any
    password is hashed past their limits); `pair:<username>|<ip>` counts failures in a row from
    one address and locks that pair only; `username:<username>` counts failures from all
    addresses in a window and slows the username down (one attempt per LOGIN_SLOWDOWN_SECONDS)
    instead of locking it. `refused` collects throttled attempts for the summary audit event;
    `warn_at` marks a username whose owner must be told (a sweep step notifies and clears it).
    """

    key = models.CharField(max_length=320, unique=True)
    window_start = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    refused_since = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    next_allowed_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_window = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored.

    A token stops working when revoked, API_TOKEN_LIFETIME_DAYS after it was made (`expires_at`),
    after API_TOKEN_IDLE_DAYS unused, and when its owner's password changes (all revoked)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("starts with"), max_length=12)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
