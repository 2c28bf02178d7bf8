"""493号令 Art. 3 at and around every boundary: "以上" includes the number, "以下" does not,
and the most severe grade any of the three measures reaches decides."""

import pytest
from django.utils import translation

from hazardloop.accidents.grading import grade_accident, grade_reason

G, L, M, E = "general", "larger", "major", "especially_major"


@pytest.mark.parametrize(
    ("deaths", "grade"),
    [(0, G), (2, G), (3, L), (9, L), (10, M), (29, M), (30, E), (31, E)],
)
def test_deaths(deaths, grade):
    assert grade_accident(deaths, 0, 0).grade == grade


@pytest.mark.parametrize(
    ("injuries", "grade"),
    [(0, G), (9, G), (10, L), (49, L), (50, M), (99, M), (100, E)],
)
def test_serious_injuries(injuries, grade):
    assert grade_accident(0, injuries, 0).grade == grade


@pytest.mark.parametrize(
    ("loss", "grade"),
    [
        (0, G),
        (9_999_999, G),
        (10_000_000, L),
        (49_999_999, L),
        (50_000_000, M),
        (99_999_999, M),
        (100_000_000, E),
    ],
)
def test_direct_loss(loss, grade):
    assert grade_accident(0, 0, loss).grade == grade


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "grade", "deciding"),
    [
        (2, 10, 0, L, ["serious_injuries"]),  # injuries lift a 2-death accident
        (3, 50, 9_999_999, M, ["serious_injuries"]),
        (1, 0, 50_000_000, M, ["direct_loss_cny"]),
        (10, 9, 100_000_000, E, ["direct_loss_cny"]),
        (30, 0, 0, E, ["deaths"]),
        (9, 49, 49_999_999, L, ["deaths", "serious_injuries", "direct_loss_cny"]),
        (2, 9, 9_999_999, G, ["deaths", "serious_injuries", "direct_loss_cny"]),
        (3, 100, 0, E, ["serious_injuries"]),
    ],
)
def test_the_most_severe_measure_decides(deaths, injuries, loss, grade, deciding):
    grading = grade_accident(deaths, injuries, loss)
    assert grading.grade == grade
    assert grading.deciding == deciding


def test_reason_cites_the_article_and_the_deciding_measure_in_both_languages():
    basis = grade_accident(3, 2, 0).basis
    with translation.override("en"):
        text = grade_reason(basis)
        assert "Art. 3" in text and "3 deaths" in text and text.startswith("Larger")
    with translation.override("zh-hans"):
        text = grade_reason(basis)
        assert "第三条" in text and "较大事故" in text and "3人死亡" in text
    with translation.override("zh-hans"):
        general = grade_reason(grade_accident(0, 0, 0).basis)
        assert general.startswith("一般事故")
