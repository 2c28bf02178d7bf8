"""Checking a submission's answers against its checklist version.

`clean_answers` judges every answer as the server sees it (numbers against the version's limits,
photos where the item needs them, a correction on the spot only for a failure with an
after-photo) and lists every problem at once in a SubmissionError; nothing is written here.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from hazardloop.checklists.choices import AnswerType
from hazardloop.checklists.models import ChecklistItem, ChecklistVersion
from hazardloop.core.errors import DomainError
from hazardloop.inspections.choices import Result


class SubmissionError(DomainError, ValueError):
    """The submission is refused; `errors` are translated messages, nothing was written.
    A `client_id` that belongs to another submission is a conflict (409)."""

    def __init__(self, errors: list[str], code: str = "invalid"):
        super().__init__("; ".join(errors), code)
        self.errors = errors
        self.status = 409 if code == "client_id_conflict" else 422

    @property
    def detail(self) -> str:
        return _("The inspection was not saved.")


@dataclass
class CleanAnswer:
    item: ChecklistItem
    result: str
    number_value: Decimal | None = None
    text_value: str = ""
    note: str = ""
    photo_ids: list[int] = field(default_factory=list)
    corrected_on_spot: bool = False
    after_photo_ids: list[int] = field(default_factory=list)

    @property
    def raises_hazard(self) -> bool:
        """A failure opens a hazard unless it was corrected on the spot."""
        return self.result == Result.FAIL and not self.corrected_on_spot


def _number(value, code: str, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(_("%(code)s: “%(value)s” is not a number.") % {"code": code, "value": value})
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e9"):
        errors.append(_("%(code)s: the number is out of range.") % {"code": code})
        return None
    return number


def clean_answers(version: ChecklistVersion, raw_answers: list[dict]) -> list[CleanAnswer]:
    """Check the answers against the version's items; SubmissionError lists every problem."""
    items = {item.code: item for item in version.items.all()}
    errors: list[str] = []
    seen: dict[str, dict] = {}
    for raw in raw_answers:
        code = str(raw.get("code") or "")
        if code not in items:
            errors.append(_("%(code)s is not an item of this checklist.") % {"code": code})
        elif code in seen:
            errors.append(_("%(code)s is answered twice.") % {"code": code})
        else:
            seen[code] = raw
    missing = [code for code in items if code not in seen]
    if missing:
        errors.append(
            _("These items are not answered: %(codes)s.") % {"codes": ", ".join(missing[:20])}
        )
    cleaned = []
    for code, raw in seen.items():
        item = items[code]
        photo_ids = [int(p) for p in raw.get("photo_ids") or []]
        after_ids = [int(p) for p in raw.get("after_photo_ids") or []]
        note = str(raw.get("note") or "").strip()
        result = str(raw.get("result") or "")
        answer = CleanAnswer(
            item=item,
            result=result,
            note=note,
            photo_ids=photo_ids,
            corrected_on_spot=bool(raw.get("corrected_on_spot")),
            after_photo_ids=after_ids,
        )
        if result == Result.NA:
            _check_corrected(answer, errors)
            cleaned.append(answer)
            continue
        kind = item.answer_type
        if kind == AnswerType.PASS_FAIL:
            if result not in (Result.PASS, Result.FAIL):
                errors.append(_("%(code)s: choose pass, fail or not applicable.") % {"code": code})
        elif kind == AnswerType.NUMBER:
            answer.number_value = _number(raw.get("number"), code, errors)
            if answer.number_value is None:
                errors.append(_("%(code)s: enter the measured value.") % {"code": code})
            else:
                # The server judges numbers against the version's limits, not the device.
                answer.result = (
                    Result.PASS if item.judge_number(answer.number_value) else Result.FAIL
                )
        elif kind == AnswerType.TEXT:
            answer.text_value = str(raw.get("text") or "").strip()
            if not answer.text_value:
                errors.append(_("%(code)s: write the answer.") % {"code": code})
            answer.result = Result.RECORDED
        elif kind == AnswerType.PHOTO:
            if not photo_ids:
                errors.append(_("%(code)s: take a photo.") % {"code": code})
            answer.result = Result.RECORDED
        if answer.result == Result.FAIL and item.photo_on_fail and not photo_ids:
            errors.append(_("%(code)s: a failure of this item needs a photo.") % {"code": code})
        _check_corrected(answer, errors)
        cleaned.append(answer)
    if errors:
        raise SubmissionError(errors)
    order = {code: n for n, code in enumerate(items)}
    return sorted(cleaned, key=lambda a: order[a.item.code])


def _check_corrected(answer: CleanAnswer, errors: list[str]) -> None:
    """Corrected on the spot: only a failed answer, and only with an after-photo."""
    code = answer.item.code
    if answer.after_photo_ids and not answer.corrected_on_spot:
        errors.append(
            _("%(code)s: after-photos belong to an item corrected on the spot.") % {"code": code}
        )
    if not answer.corrected_on_spot:
        return
    if answer.result != Result.FAIL:
        errors.append(
            _("%(code)s: only a failed item can be marked corrected on the spot.") % {"code": code}
        )
    elif not answer.after_photo_ids:
        errors.append(
            _("%(code)s: an item corrected on the spot needs a photo after the correction.")
            % {"code": code}
        )
    if set(answer.after_photo_ids) & set(answer.photo_ids):
        errors.append(
            _("%(code)s: the same photo cannot show the finding and its correction.")
            % {"code": code}
        )


def clean_answers_partial(version: ChecklistVersion, changes: list[dict]) -> list[CleanAnswer]:
    """Like clean_answers, for a subset of the items (amendments)."""
    codes = {c.get("code") for c in changes}
    others = [
        {"code": item.code, "result": Result.NA}
        for item in version.items.all()
        if item.code not in codes
    ]
    cleaned = clean_answers(version, [*changes, *others])
    return [a for a in cleaned if a.item.code in codes]
