"""The 四个能力 / 一懂三会 quiz on a phone, the practical check, and the province's quiz bank."""

import re

import pytest

from hazardloop.audit.models import AuditEvent
from hazardloop.testing import web_client
from hazardloop.training import quiz
from hazardloop.training.models import PracticalCheck, QuizAttempt, QuizQuestion
from hazardloop.training.tests.helpers import person
from hazardloop.training.tokens import QUIZ, make_token

pytestmark = pytest.mark.django_db
PROVINCE = "220000"


def _asked(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="q" value="(\d+)"', page)]


def test_the_shipped_bank_is_seeded_once_per_province(cast):
    assert quiz.bank(PROVINCE).count() == len(quiz.SEED) >= 12
    quiz.seed_bank(PROVINCE)
    assert QuizQuestion.objects.filter(province=PROVINCE).count() == len(quiz.SEED)
    for q in QuizQuestion.objects.all():
        assert q.text_en and all(o["zh"] and o["en"] for o in q.options)
        assert 0 <= q.answer < len(q.options)


def test_a_staff_member_passes_the_quiz_on_a_phone(cast, settings):
    settings.TRAINING_QUIZ_QUESTIONS = 5
    m = person(cast.unit, "答题人")
    url = f"/t/q/{make_token(QUIZ, cast.unit.pk)}/"
    phone = web_client(None)
    page = phone.get(url).content.decode()
    asked = _asked(page)
    assert len(asked) == 5 and "答题人" in page
    right = {q.pk: q.answer for q in QuizQuestion.objects.filter(pk__in=asked)}
    data = {"staff": m.pk, "q": asked, **{f"a{pk}": right[pk] for pk in asked}}
    r = phone.post(url, data)
    assert r.status_code == 200 and "通过。" in r.content.decode()
    attempt = QuizAttempt.objects.get(staff=m)
    assert (attempt.correct, attempt.total, attempt.passed) == (5, 5, True)
    assert AuditEvent.objects.filter(action="training.quiz").exists()


def test_four_of_five_passes_and_three_does_not(cast, settings):
    settings.TRAINING_QUIZ_PASS_PERCENT = 80
    assert quiz.passes(4, 5) and not quiz.passes(3, 5) and not quiz.passes(0, 0)


def test_a_wrong_answer_fails_and_a_missing_answer_is_asked_again(cast):
    m = person(cast.unit, "答题人")
    url = f"/t/q/{make_token(QUIZ, cast.unit.pk)}/"
    phone = web_client(None)
    asked = _asked(phone.get(url).content.decode())
    qs = {q.pk: q for q in QuizQuestion.objects.filter(pk__in=asked)}
    missing = {"staff": m.pk, "q": asked, **{f"a{pk}": qs[pk].answer for pk in asked[1:]}}
    r = phone.post(url, missing)
    assert r.status_code == 422 and "请回答每一道题" in r.content.decode()
    assert _asked(r.content.decode()) == asked  # the same questions again
    wrong = {"staff": m.pk, "q": asked}
    wrong.update({f"a{pk}": (qs[pk].answer + 1) % len(qs[pk].options) for pk in asked})
    r = phone.post(url, wrong)
    assert r.status_code == 200 and "未通过" in r.content.decode()
    assert QuizAttempt.objects.get(staff=m).passed is False


def test_someone_of_another_unit_or_who_left_cannot_take_it(cast):
    import datetime as dt

    gone = person(cast.unit, "离职者", left_on=dt.date(2025, 1, 1))
    stranger = person(cast.other_unit, "别家")
    url = f"/t/q/{make_token(QUIZ, cast.unit.pk)}/"
    phone = web_client(None)
    asked = _asked(phone.get(url).content.decode())
    for who in (gone, stranger):
        r = phone.post(url, {"staff": who.pk, "q": asked, **{f"a{pk}": 0 for pk in asked}})
        assert r.status_code == 422
    assert "离职者" not in phone.get(url).content.decode()
    assert not QuizAttempt.objects.exists()


def test_the_practical_check_passes_only_with_all_three(cast):
    m = person(cast.unit, "实操")
    client = web_client(cast.unit_manager)
    url = f"/training/unit/{cast.unit.pk}/staff/{m.pk}/practical/"
    client.post(url, {"trainer": "李", "extinguisher": "on", "exits": "on"})
    client.post(url, {"trainer": "李", "extinguisher": "on", "exits": "on", "reports_119": "on"})
    assert list(PracticalCheck.objects.order_by("id").values_list("passed", flat=True)) == [
        False,
        True,
    ]
    client.post(url, {"trainer": ""})
    assert PracticalCheck.objects.count() == 2


def test_the_province_edits_its_bank_and_the_quiz_uses_it(cast, settings):
    settings.TRAINING_QUIZ_QUESTIONS = 50
    client = web_client(cast.province_regulator)
    assert "发现火灾" in client.get("/training/quiz-bank/").content.decode()
    q = QuizQuestion.objects.get(province=PROVINCE, code="call-119")
    r = client.post(
        f"/training/quiz-bank/{q.pk}/",
        {"text_zh": "火警电话是多少？", "option0_zh": "110", "option1_zh": "", "option2_zh": "119",
         "answer": "2", "active": "on"},
    )  # fmt: skip
    assert r.status_code == 302
    q.refresh_from_db()
    assert q.text_zh == "火警电话是多少？" and q.options[q.answer]["zh"] == "119"
    assert len(q.options) == 2
    # Switched off: no longer asked.
    other = QuizQuestion.objects.get(province=PROVINCE, code="hydrant")
    client.post(
        f"/training/quiz-bank/{other.pk}/",
        {"text_zh": other.text_zh, "option0_zh": "甲", "option1_zh": "乙", "answer": "0"},
    )
    asked = _asked(web_client(None).get(f"/t/q/{make_token(QUIZ, cast.unit.pk)}/").content.decode())
    assert q.pk in asked and other.pk not in asked
    r = client.post(
        "/training/quiz-bank/new/", {"text_zh": "只有一个选项", "option0_zh": "是", "answer": "0"}
    )
    assert r.status_code == 422 and "至少给出两个选项" in r.content.decode()
    r = client.post(
        "/training/quiz-bank/new/",
        {"text_zh": "答案选空了", "option0_zh": "是", "option1_zh": "否", "answer": "3"},
    )
    assert r.status_code == 422
    assert AuditEvent.objects.filter(action="training.quiz_question").count() == 2


def test_a_city_regulator_may_not_edit_the_bank(cast):
    assert web_client(cast.city_regulator).get("/training/quiz-bank/").status_code == 403
    assert web_client(cast.expert).get("/training/quiz-bank/").status_code == 404
