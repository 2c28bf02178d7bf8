"""The reporting chain's time limits, routes and follow-up cadence: configuration.

The national rule (493号令, verified, `regulations.md` §1.2) is the default: the unit reports to
the county authority within 1 hour (Art. 9), each level reports up within 2 hours (Art. 11), and
a report goes up to the prefecture (一般), the province (较大) or the State Council department
(重大, 特别重大) (Art. 10). Follow-ups at least once a day, twice for 重大 and above, and the
casualty windows of 30 and 7 days come from 原国家安监总局令第21号 and Art. 13.

A province's own rules are often stricter (`regulations.md` §9: Henan, 15 minutes by phone):
`settings.ACCIDENT_REPORTING` may shorten a limit or lengthen a route, never loosen them —
`reporting_rules()` keeps the national limit where a setting asks for more time.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from hazardloop.accidents.choices import LEVEL_ORDER, AccidentGrade, Level

NATIONAL = {
    "unit_minutes": 60,  # Art. 9
    "level_minutes": 120,  # Art. 11
    "routes": {  # Art. 10: the levels a report reaches, above the county
        AccidentGrade.GENERAL: [Level.COUNTY, Level.PREFECTURE],
        AccidentGrade.LARGER: [Level.COUNTY, Level.PREFECTURE, Level.PROVINCE],
        AccidentGrade.MAJOR: [Level.COUNTY, Level.PREFECTURE, Level.PROVINCE, Level.STATE_COUNCIL],
        AccidentGrade.ESPECIALLY_MAJOR: [
            Level.COUNTY,
            Level.PREFECTURE,
            Level.PROVINCE,
            Level.STATE_COUNCIL,
        ],
    },
    # Hours between follow-up reports (续报): once a day, twice for 重大 and above.
    "follow_up_hours": {
        AccidentGrade.GENERAL: 24,
        AccidentGrade.LARGER: 24,
        AccidentGrade.MAJOR: 12,
        AccidentGrade.ESPECIALLY_MAJOR: 12,
    },
    "casualty_window_days": 30,  # Art. 13
    "casualty_window_days_short": 7,  # Art. 13: road traffic and fire
}


@dataclass(frozen=True)
class Rules:
    unit_minutes: int
    level_minutes: int
    routes: dict
    follow_up_hours: dict
    casualty_window_days: int
    casualty_window_days_short: int

    @property
    def unit_limit(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.unit_minutes)

    @property
    def level_limit(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.level_minutes)

    def route(self, grade: str) -> list[str]:
        return [str(level) for level in self.routes[grade]]


def reporting_rules() -> Rules:
    """The national rules, made stricter by `settings.ACCIDENT_REPORTING` where it says so."""
    local = getattr(settings, "ACCIDENT_REPORTING", {}) or {}

    def stricter(key):
        value = local.get(key)
        return NATIONAL[key] if value is None else min(int(value), NATIONAL[key])

    routes = {}
    for grade, levels in NATIONAL["routes"].items():
        wanted = {str(lv) for lv in local.get("routes", {}).get(str(grade), [])}
        asked = [lv for lv in LEVEL_ORDER if lv in wanted]
        # A route may only reach higher: the longer of the national and the local one.
        routes[str(grade)] = asked if len(asked) > len(levels) else [str(lv) for lv in levels]
    follow = {
        str(g): min(int(local.get("follow_up_hours", {}).get(str(g), h)), h)
        for g, h in NATIONAL["follow_up_hours"].items()
    }
    return Rules(
        unit_minutes=stricter("unit_minutes"),
        level_minutes=stricter("level_minutes"),
        routes=routes,
        follow_up_hours=follow,
        casualty_window_days=NATIONAL["casualty_window_days"],
        casualty_window_days_short=NATIONAL["casualty_window_days_short"],
    )
