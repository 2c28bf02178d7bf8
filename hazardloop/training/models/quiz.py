from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hazardloop.training.models.staff import StaffMember


def _pick(zh: str, en: str) -> str:
    if translation.get_language() == "en" and en:
        return en
    return zh


class QuizQuestion(models.Model):
    """One question of a province's 四个能力 / 一懂三会 quiz bank. The wording is configuration
    (regulations.md §7.2): the province edits it. `options` is a list of {"zh", "en"}; `answer`
    the index of the right one."""

    province = models.CharField(_("province"), max_length=12, db_index=True)
    code = models.CharField(_("code"), max_length=20)
    text_zh = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    options = models.JSONField(_("options"), default=list)
    answer = models.PositiveSmallIntegerField(_("right answer"))
    active = models.BooleanField(_("in use"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="quiz_question_code")
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return _pick(self.text_zh, self.text_en)

    @property
    def option_texts(self) -> list[str]:
        return [_pick(o.get("zh", ""), o.get("en", "")) for o in self.options]


class QuizAttempt(models.Model):
    """A staff member's quiz, taken on a phone: the questions asked, the answers given."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="quizzes",
        verbose_name=_("staff member"),
    )  # fmt: skip
    taken_at = models.DateTimeField(_("taken at"))
    asked = models.JSONField(_("questions asked"), default=list)
    answers = models.JSONField(_("answers"), default=list)
    correct = models.PositiveSmallIntegerField(_("right answers"))
    total = models.PositiveSmallIntegerField(_("questions"))
    passed = models.BooleanField(pgettext_lazy("check", "passed"))

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        indexes = [models.Index(fields=["staff", "taken_at"], name="quiz_staff_taken")]

    def __str__(self):
        return f"{self.staff} {self.correct}/{self.total}"


class PracticalCheck(models.Model):
    """The practical part of the 四个能力 check, recorded by the trainer: the person uses an
    extinguisher, knows the exits, reports a fire to 119. Passed when all three are shown."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="practicals",
        verbose_name=_("staff member"),
    )  # fmt: skip
    checked_at = models.DateTimeField(_("checked at"))
    trainer = models.CharField(_("trainer"), max_length=100)
    extinguisher = models.BooleanField(_("uses an extinguisher"))
    exits = models.BooleanField(_("knows the exits and escape routes"))
    reports_119 = models.BooleanField(_("reports a fire to 119"))
    passed = models.BooleanField(pgettext_lazy("check", "passed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("practical check")
        verbose_name_plural = _("practical checks")
        indexes = [models.Index(fields=["staff", "checked_at"], name="practical_staff_at")]

    def __str__(self):
        return f"{self.staff} {self.checked_at:%Y-%m-%d}"
