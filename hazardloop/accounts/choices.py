from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REGULATOR = "regulator", _("Regulator")
    INSPECTOR = "inspector", _("Inspector")
    EXPERT = "expert", _("Expert")
    LEADER = "leader", _("Leader")
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    UNIT_SAFETY_OFFICER = "unit_safety_officer", _("Unit safety officer")


UNIT_ROLES = frozenset({Role.UNIT_MANAGER, Role.UNIT_SAFETY_OFFICER})
DEPARTMENT_ROLES = frozenset(set(Role) - UNIT_ROLES)

ROLE_BADGE = {
    Role.ADMIN: "danger",
    Role.REGULATOR: "primary",
    Role.INSPECTOR: "info",
    Role.EXPERT: "secondary",
    Role.LEADER: "warning",
    Role.DUTY_OFFICER: "dark",
    Role.UNIT_MANAGER: "success",
    Role.UNIT_SAFETY_OFFICER: "success",
}
