"""The pages a staff member opens on their own phone, without an account: the signed link of a
training (sign attendance) and the unit's quiz link (the 四个能力 / 一懂三会 quiz). The link is
short-lived (tokens.py); the person chooses their name from the unit's staff list."""

import random

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from hazardloop.core.errors import DomainError
from hazardloop.training import quiz, services
from hazardloop.training.models import QuizQuestion, Training
from hazardloop.training.queries import current_staff
from hazardloop.training.tokens import QUIZ, SIGN, read_token
from hazardloop.units.models import Unit


def _expired(request):
    return render(request, "training/phone_expired.html", status=404)


def _people(unit_id: int, on):
    return list(current_staff(unit_id, on).order_by("name", "id").only("pk", "name"))


def _staff_id(request):
    raw = request.POST.get("staff", "")
    return int(raw) if raw.isdigit() else None


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request, token: str):
    """Sign one's attendance of a training: choose one's name, sign with a finger."""
    pk = read_token(SIGN, token)
    training = (
        Training.objects.select_related("unit", "unit__region", "created_by").filter(pk=pk).first()
        if pk
        else None
    )
    if training is None:
        return _expired(request)
    error, done = "", None
    if request.method == "POST":
        try:
            done = services.sign_attendance(
                training, _staff_id(request), signature=request.POST.get("signature", "")
            )
        except DomainError as exc:
            error = str(exc)
    return render(
        request,
        "training/phone_sign.html",
        {
            "t": training,
            "people": _people(training.unit_id, timezone.localtime(training.held_at).date()),
            "error": error,
            "done": done,
            "chosen": request.POST.get("staff", ""),
        },
        status=422 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def take_quiz(request, token: str):
    """The quiz: choose one's name, answer the questions, see the result at once."""
    pk = read_token(QUIZ, token)
    unit = Unit.objects.select_related("region").filter(pk=pk).first() if pk else None
    if unit is None:
        return _expired(request)
    error, result, questions = "", None, []
    if request.method == "POST":
        asked = [int(i) for i in request.POST.getlist("q") if i.isdigit()][:50]
        answers = {}
        for qid in asked:
            raw = request.POST.get(f"a{qid}", "")
            if raw.isdigit():
                answers[qid] = int(raw)
        try:
            result = services.submit_quiz(unit, _staff_id(request), asked=asked, answers=answers)
        except DomainError as exc:
            error = str(exc)
            by_id = {q.pk: q for q in QuizQuestion.objects.filter(pk__in=asked)}
            questions = [by_id[i] for i in asked if i in by_id]
            rng = random.Random(",".join(map(str, asked)))
            for q in questions:
                q.shown = list(range(len(q.options)))
                rng.shuffle(q.shown)
                q.shown_texts = [(i, q.option_texts[i]) for i in q.shown]
                q.given = answers.get(q.pk)
    if not result and not questions:
        questions = quiz.pick(services.province_of(unit))
    if not questions and not result:
        raise Http404(_("Not found."))
    return render(
        request,
        "training/phone_quiz.html",
        {
            "unit": unit,
            "people": _people(unit.pk, timezone.localdate()),
            "questions": questions,
            "error": error,
            "result": result,
            "chosen": request.POST.get("staff", ""),
        },
        status=422 if error else 200,
    )
