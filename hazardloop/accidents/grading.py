"""The grade of an accident by 493号令 Art. 3: pure functions, no database.

Art. 3 grades on three measures, as alternatives ("或者"): deaths, serious injuries (including
acute industrial poisoning) and direct economic loss. The grade is the most severe one any
measure reaches. "以上" includes the number, "以下" does not (Art. 3, last paragraph), so each
threshold below is an inclusive lower bound. These are national law, verified
(`regulations.md` §1.1); they are not configuration.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from hazardloop.accidents.choices import AccidentGrade, grade_rank

# (grade, deaths, serious injuries, direct loss in yuan): inclusive lower bounds, most severe first.
THRESHOLDS = [
    (AccidentGrade.ESPECIALLY_MAJOR, 30, 100, 100_000_000),
    (AccidentGrade.MAJOR, 10, 50, 50_000_000),
    (AccidentGrade.LARGER, 3, 10, 10_000_000),
]
MEASURES = ("deaths", "serious_injuries", "direct_loss_cny")


@dataclass(frozen=True)
class Grading:
    grade: str
    # For each measure: (its value, the grade it alone reaches, that grade's lower bound or None).
    basis: dict

    @property
    def deciding(self) -> list[str]:
        """The measures that reach the grade."""
        return [m for m in MEASURES if self.basis[m]["grade"] == self.grade]


def _grade_of(index: int, value: int) -> tuple[str, int | None]:
    for grade, *bounds in THRESHOLDS:
        if value >= bounds[index]:
            return grade, bounds[index]
    return AccidentGrade.GENERAL, None


def grade_accident(deaths: int, serious_injuries: int, direct_loss_cny: int) -> Grading:
    values = (deaths or 0, serious_injuries or 0, direct_loss_cny or 0)
    basis = {}
    for i, (measure, value) in enumerate(zip(MEASURES, values, strict=True)):
        grade, bound = _grade_of(i, value)
        basis[measure] = {"value": value, "grade": str(grade), "bound": bound}
    worst = max((b["grade"] for b in basis.values()), key=grade_rank)
    return Grading(str(worst), basis)


def _yuan(value: int) -> str:
    return _("%(n)s yuan") % {"n": f"{value:,}"}


def _measure_text(measure: str, value: int) -> str:
    if measure == "deaths":
        return _("%(n)s deaths") % {"n": value}
    if measure == "serious_injuries":
        return _("%(n)s serious injuries (incl. acute industrial poisoning)") % {"n": value}
    return _("a direct economic loss of %(amount)s") % {"amount": _yuan(value)}


def _bound_text(measure: str, bound: int) -> str:
    if measure == "deaths":
        return _("%(n)s deaths or more") % {"n": bound}
    if measure == "serious_injuries":
        return _("%(n)s serious injuries or more") % {"n": bound}
    return _("%(amount)s or more") % {"amount": _yuan(bound)}


def grade_reason(basis: dict) -> str:
    """The grade's reasoning in the active language, citing the article."""
    from hazardloop.accidents.choices import AccidentGrade as G

    grade = max((basis[m]["grade"] for m in MEASURES), key=grade_rank)
    label = G(grade).label
    if grade == G.GENERAL:
        return _(
            "%(grade)s: no measure reaches the threshold of a larger accident (fewer than 3 "
            "deaths, fewer than 10 serious injuries, a direct loss below 10 million yuan) — "
            "493号令 Art. 3."
        ) % {"grade": label}
    reached = [
        _("%(value)s reaches %(bound)s")
        % {
            "value": _measure_text(m, basis[m]["value"]),
            "bound": _bound_text(m, basis[m]["bound"]),
        }
        for m in MEASURES
        if basis[m]["grade"] == grade
    ]
    return _(
        "%(grade)s: %(reached)s; the most severe grade any measure reaches decides, and "
        "“以上” includes the number — 493号令 Art. 3."
    ) % {"grade": label, "reached": _("; ").join(reached)}
