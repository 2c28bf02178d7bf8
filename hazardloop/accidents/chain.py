"""The reporting chain: which levels a report must reach and by when (pure rules plus the
rows). `plan` lays out the steps for a grade; `extend` adds the higher levels a regrade needs;
`next_due` moves a step's deadline once the level below has received the report."""

import datetime as dt

from hazardloop.accidents.choices import Level
from hazardloop.accidents.models import ChainStep
from hazardloop.accidents.rules import Rules
from hazardloop.regions import codes
from hazardloop.regions.models import Region

_AT = {
    Level.COUNTY: codes.COUNTY,
    Level.PREFECTURE: codes.PREFECTURE,
    Level.PROVINCE: codes.PROVINCE,
    Level.STATE_COUNCIL: codes.PROVINCE,  # recorded by the province
}


def level_regions(region_code: str, levels: list[str]) -> list[tuple[str, str]]:
    """(level, region code of that level's authority) for each level that exists above the
    accident's region (a county directly under the province has no prefecture step)."""
    wanted = {lv: codes.ancestor_at(region_code, _AT[Level(lv)]) for lv in levels}
    known = set(
        Region.objects.filter(code__in=[c for c in wanted.values() if c]).values_list(
            "code", flat=True
        )
    )
    return [(lv, wanted[lv]) for lv in levels if wanted[lv] in known]


def plan(accident, rules: Rules, grade: str) -> list[ChainStep]:
    """The unsaved steps for a new report: the first due within the unit limit of the accident,
    each next one within the level limit of the one below."""
    steps = []
    due = accident.occurred_at + rules.unit_limit
    for seq, (level, code) in enumerate(level_regions(accident.region_code, rules.route(grade))):
        steps.append(
            ChainStep(
                accident=accident,
                seq=seq + 1,
                level=level,
                region_code=code,
                accident_region=accident.region_code,
                due_at=due,
            )
        )
        due = due + rules.level_limit
    return steps


def extend(accident, rules: Rules, grade: str, now: dt.datetime) -> list[ChainStep]:
    """The unsaved steps a higher grade adds above the existing ones: the first new level is
    due within the level limit of the later of the top step's receipt and now (the regrade)."""
    existing = list(accident.steps.order_by("seq"))
    have = {s.level for s in existing}
    wanted = [
        (lv, code)
        for lv, code in level_regions(accident.region_code, rules.route(grade))
        if lv not in have
    ]
    if not wanted:
        return []
    top = existing[-1] if existing else None
    start = max(filter(None, [now, top.received_at if top else None]))
    due = start + rules.level_limit
    seq = top.seq if top else 0
    steps = []
    for level, code in wanted:
        seq += 1
        steps.append(
            ChainStep(
                accident=accident,
                seq=seq,
                level=level,
                region_code=code,
                accident_region=accident.region_code,
                due_at=due,
                added_by_regrade=True,
            )
        )
        due = due + rules.level_limit
    return steps


def reschedule_above(step: ChainStep, rules: Rules) -> list[ChainStep]:
    """Once `step` is received, the levels above are due within the level limit of that
    receipt, each in turn (steps already sent keep their deadline). Returns the changed rows."""
    changed = []
    due = step.received_at + rules.level_limit
    for above in step.accident.steps.filter(seq__gt=step.seq).order_by("seq"):
        if above.sent_at is not None:
            break
        if above.due_at != due:
            above.due_at = due
            changed.append(above)
        due = due + rules.level_limit
    return changed
