"""The province's 四个能力 / 一懂三会 quiz bank: province-level holders of training.quiz_bank
read and edit it (the wording is configuration, regulations.md §7.2)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hazardloop.core.errors import DomainError
from hazardloop.training import quiz, services
from hazardloop.training.access import quiz_provinces, require_quiz_bank
from hazardloop.training.forms import QuestionForm
from hazardloop.training.models import QuizQuestion


def _province(request) -> str:
    provinces = quiz_provinces(request.user)
    province = provinces[0] if provinces else ""
    require_quiz_bank(request.user, province)
    return province


@login_required
@require_GET
def bank(request):
    province = _province(request)
    quiz.seed_bank(province)
    questions = QuizQuestion.objects.filter(province=province).order_by("-active", "sort", "id")
    return render(request, "training/quiz_bank.html", {"questions": questions})


@login_required
@require_http_methods(["GET", "POST"])
def question(request, pk: int | None = None):
    province = _province(request)
    q = None
    if pk is not None:
        q = QuizQuestion.objects.filter(province=province, pk=pk).first()
        if q is None:
            raise Http404(_("Not found."))
    error = ""
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.save_question(
                    province, actor=request.user, question=q, text_zh=d["text_zh"],
                    text_en=d["text_en"], options=form.options(), answer=d["answer"],
                    active=d["active"],
                )  # fmt: skip
            except DomainError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("training:bank")
    else:
        initial = {"active": True, "answer": 0}
        if q is not None:
            initial = {"text_zh": q.text_zh, "text_en": q.text_en, "answer": q.answer,
                       "active": q.active}  # fmt: skip
            for i, o in enumerate(q.options[:4]):
                initial[f"option{i}_zh"], initial[f"option{i}_en"] = o.get("zh"), o.get("en")
        form = QuestionForm(initial=initial)
    rows = [(form[f"option{i}_zh"], form[f"option{i}_en"]) for i in range(4)]
    return render(
        request,
        "training/quiz_question.html",
        {"q": q, "form": form, "rows": rows, "error": error},
        status=422 if error or form.errors else 200,
    )
