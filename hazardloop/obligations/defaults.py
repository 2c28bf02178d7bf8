"""The duty rules shipped with the system: 公安部令第61号 (regulations.md §7.1, verified).

Each is one row of `DutyRule` with an empty region prefix; a province overrides a rule for a
region by adding a row with the same kind and "applies to" and a region prefix."""

from hazardloop.obligations.choices import AppliesTo, DutyKind, Every

DEFAULT_RULES = [
    # (kind, applies_to, every, unit, while_open, article)
    (DutyKind.PATROL, AppliesTo.PUBLIC_GATHERING, 2, Every.HOUR, True, "61号令第二十五条"),
    (DutyKind.PATROL, AppliesTo.KEY_UNIT, 1, Every.DAY, False, "61号令第二十五条"),
    (DutyKind.INSPECTION, AppliesTo.PUBLIC_BODY, 3, Every.MONTH, False, "61号令第二十六条"),
    (DutyKind.INSPECTION, AppliesTo.OTHER_BODY, 1, Every.MONTH, False, "61号令第二十六条"),
    (DutyKind.TRAINING, AppliesTo.PUBLIC_GATHERING, 6, Every.MONTH, False, "61号令第三十六条"),
    (DutyKind.TRAINING, AppliesTo.KEY_UNIT, 12, Every.MONTH, False, "61号令第三十六条"),
    (DutyKind.DRILL, AppliesTo.KEY_UNIT, 6, Every.MONTH, False, "61号令第四十条"),
    (DutyKind.DRILL, AppliesTo.ALL, 12, Every.MONTH, False, "61号令第四十条"),
]


def seed_default_rules() -> int:
    """Write the shipped rules that are missing (as migration 0002 does); returns how many.
    For a database whose rows were flushed (transactional tests) or restored without them."""
    from hazardloop.obligations.models import DutyRule

    created = 0
    for kind, applies, every, unit, while_open, article in DEFAULT_RULES:
        _rule, made = DutyRule.objects.get_or_create(
            kind=kind,
            applies_to=applies,
            region_prefix="",
            defaults={
                "every": every,
                "every_unit": unit,
                "while_open": while_open,
                "article": article,
                "verified": True,
            },
        )
        created += made
    return created
