"""The hot-work rules read from settings (docs/permits.md). None of these values is verified law:
GB 30871-2022 could not be read (regulations.md §6), so the grading questions, validity caps,
approvers, gas-test rule and measures are configuration with the commonly cited defaults.

A question or measure in the settings is a dict: `code`, and for a question the `grade` a "yes"
puts the work in; its words are the built-in ones below for a known code, or the entry's own
`zh` / `en` text for a new one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hazardloop.permits.choices import GRADE_RANK, PermitGrade

QUESTION_WORDS = {
    "running_unit": _(
        "Is the work on running equipment, pipes, tanks or vessels in a place with a fire or "
        "explosion hazard?"
    ),
    "hot_tapping": _("Is it hot tapping under pressure without replacing the contents?"),
    "tank_farm": _("Is it inside the dike of a tank farm holding flammables?"),
    "explosive_place": _(
        "Is it anywhere else in a place with a fire or explosion hazard (e.g. a gas room, a "
        "kitchen with gas pipes or cylinders)?"
    ),
    "pipe_rack": _("Is it on a pipe rack?"),
}
MEASURE_WORDS = {
    "combustibles_cleared": _("Combustibles cleared within 15 m; none left below or around"),
    "no_flammable_discharge": _("No discharge of flammable liquids or gases nearby"),
    "extinguishers": _("Extinguishers (and a hose where there is one) ready at the work spot"),
    "isolation": _("Equipment isolated: valves shut, blinds fitted, power cut"),
    "openings_covered": _("Drains, trenches and openings nearby covered"),
    "cylinders_apart": _("Oxygen and acetylene cylinders apart and away from the flame"),
    "fire_watch_present": _("The fire watch is at the spot with an extinguisher"),
}


@dataclass(frozen=True)
class Question:
    code: str
    grade: str
    text: str


@dataclass(frozen=True)
class Measure:
    code: str
    text: str
    required: bool


def _words(entry: dict, builtin: dict) -> str:
    language = (translation.get_language() or "zh-hans").lower()
    own = entry.get("zh") if language.startswith("zh") else entry.get("en")
    return str(own or builtin.get(entry["code"]) or entry.get("zh") or entry.get("en") or "")


def questions() -> list[Question]:
    return [
        Question(e["code"], e["grade"], _words(e, QUESTION_WORDS))
        for e in settings.PERMIT_GRADING_QUESTIONS
    ]


def measures() -> list[Measure]:
    return [
        Measure(e["code"], _words(e, MEASURE_WORDS), bool(e.get("required", True)))
        for e in settings.PERMIT_MEASURES
    ]


def grade_for(answers) -> str:
    """The grade the "yes" answers put the work in: the highest of theirs, else grade 2."""
    grades = {q.code: q.grade for q in questions()}
    best = PermitGrade.LEVEL2
    for code in answers:
        grade = grades.get(code)
        if grade and GRADE_RANK[PermitGrade(grade)] > GRADE_RANK[PermitGrade(best)]:
            best = grade
    return str(best)


def cap_hours(grade: str) -> int:
    return int(settings.PERMIT_VALID_HOURS[grade])


def approval_steps(grade: str) -> list[str]:
    """The unit roles that sign, in order (a higher unit role may sign a lower one's step)."""
    return list(settings.PERMIT_APPROVERS[grade])
