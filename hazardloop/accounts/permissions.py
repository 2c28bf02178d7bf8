"""What each role may do. The one table every access check reads.

A permission is granted by a membership and holds inside that membership's scope (a region
subtree, or one unit). Later features add their permissions here, not in views.
"""

from hazardloop.accounts.choices import Role

VIEW = {
    "region.view",
    "unit.view",
    "hazard.view",
    "inspection.view",
    "campaign.view",
    "stats.view",
    "obligation.view",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.REGULATOR: frozenset(
        VIEW
        | {
            "unit.create",
            "unit.edit",
            "unit.import",
            "unit.export",
            "unit.override_risk",
            "hazard.create",
            "hazard.order",
            "hazard.verify",
            "hazard.close",
            "hazard.decide_extension",
            "hazard.override_grade",
            "hazard.export",
            "hazard.enforce",
            "inspection.create",
            "evidence.upload",
            "checklist.manage",
            "campaign.manage",
            "account.manage",
            "accident.view",
            "accident.report",
            "accident.receive",
            "tip.view",
            "tip.triage",
            # Accountability (问责): regulators and leaders read and decide the cases of their
            # region; inspectors, experts, duty officers and units' own people never see them.
            "accountability.view",
            "accountability.decide",
            "duty.view",
            "duty.manage",
            "duty.check_in",
            "obligation.rules",
            # Training: regulators read units' staff lists, trainings and checks; province-level
            # holders of training.quiz_bank edit the 四个能力 quiz (access checks the level).
            "training.view",
            "training.quiz_bank",
            # Drills (演练): units record their own; the authorities of the scope read them.
            # Publicity (宣传): recorded by every level's office and by units.
            "drill.view",
            "publicity.view",
            "publicity.record",
            "permit.view",
            "permit.check",
            "certificate.view",
        }
    ),
    Role.INSPECTOR: frozenset(
        VIEW
        | {
            "unit.export",
            "hazard.create",
            "hazard.order",
            "hazard.verify",
            "hazard.close",
            "hazard.export",
            "hazard.enforce",
            "inspection.create",
            "evidence.upload",
            "accident.view",
            "tip.view",
            "duty.view",
            "duty.check_in",
            "training.view",
            "drill.view",
            "publicity.view",
            "permit.view",
            "permit.check",
            "certificate.view",
        }
    ),
    # Experts and duty officers have no part in units' training records.
    Role.EXPERT: frozenset(
        VIEW | {"inspection.create", "evidence.upload", "hazard.verify", "hazard.advise"}
    ),
    Role.LEADER: frozenset(
        VIEW
        | {
            "inspection.create",
            "evidence.upload",
            "hazard.export",
            "unit.export",
            "tip.view",
            "accident.view",
            "duty.view",
            "duty.check_in",
            "accountability.view",
            "accountability.decide",
            "training.view",
            "drill.view",
            "publicity.view",
            "permit.view",
            "certificate.view",
        }
    ),
    # Hot-work permits: the unit's own people apply and approve (permit.apply, permit.approve;
    # which unit role signs which grade is settings.PERMIT_APPROVERS); regulators and inspectors
    # see them and record checks on site (permit.check); leaders and duty officers read them;
    # experts have no part in them.
    # Certificates (certificate.view, .manage): a unit's own people keep their staff's
    # certificates and control-room roster; regulators, inspectors and leaders read them in
    # their regions; experts and duty officers have no part in them.
    # Public tips (tip.view, tip.triage) are never granted to a unit's own people: a tip is not
    # shown to the unit it accuses.
    # Duty: regulators (and administrators) keep the rosters of their scope; duty officers,
    # inspectors and leaders read them and check in to their own shifts; experts and a unit's
    # own people have no part in government duty.
    # The duty officer receives accident reports and passes them up (493号令 Art. 9-11).
    Role.DUTY_OFFICER: frozenset(
        VIEW
        | {
            "tip.view",
            "duty.view",
            "duty.check_in",
            "accident.view",
            "accident.report",
            "accident.receive",
            "permit.view",
        }
    ),
    Role.UNIT_MANAGER: frozenset(
        {
            "account.manage",
            "unit.view",
            "unit.edit",
            "hazard.view",
            "hazard.create",
            "hazard.rectify",
            "hazard.request_extension",
            "inspection.view",
            "inspection.create",
            "evidence.upload",
            "campaign.view",
            "accident.view",
            "accident.report",
            "obligation.view",
            "obligation.patrol",
            "hazard.self_close",
            # The unit's own staff list, trainings and 四个能力 checks (their own unit only).
            "training.view",
            "training.record",
            "drill.view",
            "drill.record",
            "publicity.view",
            "publicity.record",
            "permit.view",
            "permit.apply",
            "permit.approve",
            "certificate.view",
            "certificate.manage",
        }
    ),
    Role.UNIT_SAFETY_OFFICER: frozenset(
        {
            "unit.view",
            "hazard.view",
            "hazard.create",
            "hazard.rectify",
            "hazard.request_extension",
            "inspection.view",
            "inspection.create",
            "evidence.upload",
            "campaign.view",
            "accident.view",
            "accident.report",
            "obligation.view",
            "obligation.patrol",
            "hazard.self_close",
            # The unit's own staff list, trainings and 四个能力 checks (their own unit only).
            "training.view",
            "training.record",
            "drill.view",
            "drill.record",
            "publicity.view",
            "publicity.record",
            "permit.view",
            "permit.apply",
            "permit.approve",
            "certificate.view",
            "certificate.manage",
        }
    ),
}

ADMIN_ONLY = frozenset({"audit.view"})
ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values()) | ADMIN_ONLY
ROLE_PERMISSIONS[Role.ADMIN] = ALL_PERMISSIONS


# Who may grant what: a role is granted only by a membership that holds `account.manage` over
# the place and whose role ranks at least as high (accounts/people.py applies it). Peers share a
# rank; a regulator (each level's office) grants every department role but administrator, a unit
# manager only the unit roles of their own unit.
ROLE_RANK: dict[str, int] = {
    Role.ADMIN: 6,
    Role.REGULATOR: 5,
    Role.INSPECTOR: 4,
    Role.EXPERT: 4,
    Role.LEADER: 4,
    Role.DUTY_OFFICER: 3,
    Role.UNIT_MANAGER: 2,
    Role.UNIT_SAFETY_OFFICER: 1,
}


def may_grant_role(granter_role: str, role: str) -> bool:
    """A membership with `granter_role` may grant `role`: it manages accounts and `role` does
    not rank above it (where the place is checked separately)."""
    return role_has(granter_role, "account.manage") and ROLE_RANK[role] <= ROLE_RANK[granter_role]


def role_has(role: str, perm: str) -> bool:
    if perm not in ALL_PERMISSIONS:
        raise KeyError(f"Unknown permission {perm!r}: add it to ROLE_PERMISSIONS.")
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
