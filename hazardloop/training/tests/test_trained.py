"""Who counts as trained (queries.trained_staff): the window's edges, month ends, new staff
and pre-job training, staff who left; and the 四个能力 check (queries.capable_staff)."""

import datetime as dt

import pytest

from hazardloop.testing import make_unit
from hazardloop.training.models import PracticalCheck, QuizAttempt
from hazardloop.training.queries import (
    _months_before,
    capable_staff,
    trained_staff,
    training_window_start,
)
from hazardloop.training.tests.helpers import at, person, training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _twelve_months(settings):
    settings.TRAINING_VALID_MONTHS = 12


@pytest.fixture
def unit(reference_data):
    return make_unit()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),  # leap year
        (dt.date(2026, 5, 31), 6, dt.date(2025, 11, 30)),
        (dt.date(2026, 1, 15), 12, dt.date(2025, 1, 15)),
        (dt.date(2026, 1, 31), 2, dt.date(2025, 11, 30)),  # across the year end
        (dt.date(2025, 2, 28), 12, dt.date(2024, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2023, 2, 28)),
    ],
)
def test_months_before_clamps_to_the_months_end(day, months, expected):
    assert _months_before(day, months) == expected


def test_a_training_on_the_first_day_of_the_window_counts_and_the_day_before_does_not(unit):
    now = at(2026, 6, 15, 12)
    assert training_window_start(now) == dt.date(2025, 6, 15)
    inside, outside = person(unit, "在窗口内"), person(unit, "在窗口外")
    training(unit, at(2025, 6, 15, 0, 5), staff=[inside])
    training(unit, at(2025, 6, 14, 23, 55), staff=[outside])
    assert trained_staff([inside.pk, outside.pk], now) == {inside.pk}


def test_a_training_after_the_moment_asked_does_not_count(unit):
    m = person(unit)
    training(unit, at(2026, 6, 15, 14), staff=[m])
    assert trained_staff([m.pk], at(2026, 6, 15, 13)) == set()
    assert trained_staff([m.pk], at(2026, 6, 15, 14)) == {m.pk}


def test_window_start_at_a_month_end(unit, settings):
    settings.TRAINING_VALID_MONTHS = 6
    now = at(2026, 8, 31, 9)  # six months back: 28 February (no 31st)
    assert training_window_start(now) == dt.date(2026, 2, 28)
    m, late = person(unit, "二月末"), person(unit, "二月中")
    training(unit, at(2026, 2, 28, 10), staff=[m])
    training(unit, at(2026, 2, 27, 10), staff=[late])
    assert trained_staff([m.pk, late.pk], now) == {m.pk}


def test_new_staff_count_only_after_a_pre_job_training(unit):
    now = at(2026, 6, 15, 12)
    new = person(unit, "新员工", hired_on=dt.date(2026, 5, 1))
    old = person(unit, "老员工", hired_on=dt.date(2020, 5, 1))
    training(unit, at(2026, 5, 20), staff=[new, old])
    assert trained_staff([new.pk, old.pk], now) == {old.pk}
    training(unit, at(2026, 6, 1), staff=[new], pre_job=True)
    assert trained_staff([new.pk, old.pk], now) == {new.pk, old.pk}


def test_hired_on_the_window_start_is_new_and_the_day_before_is_not(unit):
    now = at(2026, 6, 15, 12)
    edge = person(unit, "窗口首日入职", hired_on=dt.date(2025, 6, 15))
    before = person(unit, "窗口前一天入职", hired_on=dt.date(2025, 6, 14))
    training(unit, at(2026, 1, 10), staff=[edge, before])
    assert trained_staff([edge.pk, before.pk], now) == {before.pk}


def test_a_pre_job_training_alone_counts_for_new_staff(unit):
    new = person(unit, "新员工", hired_on=dt.date(2026, 6, 1))
    training(unit, at(2026, 6, 2), staff=[new], pre_job=True)
    assert trained_staff([new.pk], at(2026, 6, 3)) == {new.pk}


def test_staff_who_left_are_never_trained(unit):
    gone = person(unit, "已离职", left_on=dt.date(2026, 6, 10))
    later = person(unit, "下月离职", left_on=dt.date(2026, 7, 10))
    training(unit, at(2026, 5, 1), staff=[gone, later])
    assert trained_staff([gone.pk, later.pk], at(2026, 6, 15)) == {later.pk}
    # Before they left, they counted.
    assert trained_staff([gone.pk], at(2026, 6, 9)) == {gone.pk}
    # On the day they left, no longer.
    assert trained_staff([gone.pk], at(2026, 6, 10, 9)) == set()


def test_nobody_and_no_training(unit):
    assert trained_staff([], at(2026, 6, 15)) == set()
    m = person(unit)
    assert trained_staff([m.pk], at(2026, 6, 15)) == set()


def test_the_check_needs_a_passed_quiz_and_a_passed_practical_in_the_window(unit):
    now = at(2026, 6, 15, 12)
    both, quiz_only, old, failed = (person(unit, n) for n in ("都过", "只测试", "过期", "未过"))

    def quiz(m, when, passed=True):
        QuizAttempt.objects.create(
            staff=m, taken_at=when, correct=5 if passed else 2, total=5, passed=passed
        )

    def practical(m, when, passed=True):
        PracticalCheck.objects.create(
            staff=m, checked_at=when, trainer="李", extinguisher=True, exits=passed,
            reports_119=True, passed=passed,
        )  # fmt: skip

    quiz(both, at(2026, 3, 1))
    practical(both, at(2026, 3, 2))
    quiz(quiz_only, at(2026, 3, 1))
    quiz(old, at(2025, 6, 14))
    practical(old, at(2026, 3, 2))
    quiz(failed, at(2026, 3, 1))
    practical(failed, at(2026, 3, 2), passed=False)
    ids = [both.pk, quiz_only.pk, old.pk, failed.pk]
    assert capable_staff(ids, now) == {both.pk}
