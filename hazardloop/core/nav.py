"""The main navigation: each entry names a URL and the permission that shows it.

Entries whose URL is not installed yet are left out, so features add themselves by adding
their URL; the permission test is applied by accounts.context_processors.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    icon: str
    perm: str | None  # None: every signed-in user
    staff_only: bool = False  # only for people who hold a department role (not a unit's staff)
    counter: str = ""  # a count shown beside the label: a key of `nav_counts` (workbench app)


NAV = [
    NavItem("workbench:home", _("Workbench"), "house", None, counter="todo"),
    NavItem("campaigns:my_tasks", _("My tasks"), "list-task", "inspection.create", True),
    NavItem("campaigns:list", _("Campaigns"), "flag", "campaign.view"),
    NavItem("accidents:list", _("Accidents"), "exclamation-octagon", "accident.view"),
    NavItem("duty:index", _("Duty"), "telephone", "duty.view"),
    NavItem(
        "accountability:list", _("Accountability"), "person-exclamation", "accountability.view"
    ),
    NavItem("stats:dashboard", _("Dashboard"), "bar-chart", "stats.view"),
    NavItem("units:list", _("Units"), "shop", "unit.view"),
    NavItem("inspections:list", _("Inspections"), "clipboard-check", "inspection.view"),
    NavItem("hazards:list", _("Hazard ledger"), "exclamation-triangle", "hazard.view"),
    NavItem("tips:list", _("Public tips"), "megaphone", "tip.view"),
    NavItem("drills:list", _("Drills"), "fire", "drill.view"),
    NavItem("publicity:list", _("Publicity"), "broadcast", "publicity.view"),
    NavItem("permits:list", _("Hot-work permits"), "fire", "permit.view"),
    NavItem("certificates:expiring", _("Certificates"), "patch-check", "certificate.view", True),
    NavItem("checklists:list", _("Checklists"), "list-check", "checklist.manage"),
    NavItem("regions:tree", _("Regions"), "diagram-3", "region.view"),
    NavItem("accounts:people", _("People"), "people", "account.manage"),
    NavItem("notifications:inbox", _("Inbox"), "inbox", None, counter="unread"),
    NavItem("audit:list", _("Audit log"), "shield-lock", "audit.view"),
]
