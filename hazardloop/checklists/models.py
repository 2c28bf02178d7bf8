"""Checklist templates, their versions and items.

A `ChecklistTemplate` is the identity (built-in, or a region's adapted copy); each change makes a
`ChecklistVersion`. A version that any inspection has used (`used_at` set) is immutable: editing
it makes a new version (services.revise_version). Built-in templates are loaded from
`data/*.json` by `load_checklists`.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hazardloop.checklists.basis import item_basis
from hazardloop.checklists.choices import (
    AnswerType,
    BasisStatus,
    BuildingClass,
    DefaultGrade,
    ItemCategory,
)

# GB 35181 element items are written as the defect itself (see ChecklistItem.finding_title).
DEFECT_CODE = re.compile(r"^(D6|C7)\.")


def _pick(zh: str, en: str) -> str:
    if (get_language() or "zh-hans").startswith("en") and en:
        return en
    return zh


class ChecklistTemplate(models.Model):
    code = models.SlugField(_("code"), max_length=60)
    # "" for built-in (province-wide) templates; a region's code for its adapted copy.
    region_code = models.CharField(_("region"), max_length=12, blank=True, default="")
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    gas_uses = models.JSONField(_("gas uses"), default=list, blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("adapted from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region_code", "code"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "code"], name="checklist_code_region")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _pick(self.title_zh, self.title_en)


class ChecklistVersion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    note = models.CharField(_("change note"), max_length=300, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(
        _("first used"),
        null=True,
        blank=True,
        help_text=_("Set when an inspection first uses this version; it is immutable from then."),
    )

    class Meta:
        ordering = ["template_id", "-number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_number"),
            models.UniqueConstraint(
                fields=["template"],
                condition=models.Q(is_current=True),
                name="checklist_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def is_locked(self) -> bool:
        return self.used_at is not None


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    sort = models.PositiveIntegerField(default=0)
    section_zh = models.CharField(_("section (Chinese)"), max_length=100)
    section_en = models.CharField(_("section (English)"), max_length=100, blank=True)
    text_zh = models.CharField(_("item (Chinese)"), max_length=400)
    text_en = models.CharField(_("item (English)"), max_length=400, blank=True)
    # What an official notice says when the item fails: the violation found, never the
    # requirement (regulations.md §12.6). Hazard titles and documents use it.
    violation_zh = models.CharField(_("violation wording (Chinese)"), max_length=400, blank=True)
    violation_en = models.CharField(_("violation wording (English)"), max_length=400, blank=True)
    guidance_zh = models.TextField(_("guidance (Chinese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=400, blank=True)
    basis_status = models.CharField(
        _("source status"),
        max_length=12,
        choices=BasisStatus.choices,
        default=BasisStatus.VERIFIED,
    )
    # Where each citation of `legal_basis` was checked (e.g. "regulations.md §4.1 [V]"), or why
    # it could not be: the record behind `basis_status`.
    basis_source = models.CharField(_("citation checked against"), max_length=300, blank=True)
    # A duty of someone other than the unit that the same facts raise, recorded with the
    # finding and never graded at the unit (regulations.md §12.2: the gas supplier's Art. 9).
    other_duty_zh = models.CharField(
        _("another duty-holder's duty (Chinese)"), max_length=400, blank=True
    )
    category = models.CharField(
        _("category"), max_length=20, choices=ItemCategory.choices, default=ItemCategory.OTHER
    )
    default_grade = models.CharField(
        _("default grade"), max_length=10, choices=DefaultGrade.choices, default="general"
    )
    # Major-hazard rule elements this item feeds, each with its edition:
    # "<family>-<edition>:<element>", e.g. "gb35181-2017:7.3.10", "city_gas-2023:9.1",
    # "gongmao-2023:14" (interpreted by hazards.grading).
    rule_refs = models.JSONField(_("major-hazard rules fed"), default=list, blank=True)
    # Elements a measured rate feeds only above a limit that depends on the unit's building
    # (regulations.md §3.4, §12.1): [{"ref": "gb35181-2017:7.3.6", "over": {"high_rise_or_
    # underground": 30, "other": 50}, "status": "verified", "source": "…"}]. A limit whose
    # status is not "verified" maps nothing.
    element_limits = models.JSONField(_("element thresholds by building"), default=list, blank=True)
    answer_type = models.CharField(
        _("answer type"), max_length=12, choices=AnswerType.choices, default=AnswerType.PASS_FAIL
    )
    number_min = models.DecimalField(
        _("lowest acceptable"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("highest acceptable"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    number_unit = models.CharField(_("unit of measure"), max_length=16, blank=True)
    photo_on_fail = models.BooleanField(_("a failure needs a photo"), default=False)

    class Meta:
        ordering = ["version_id", "sort", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="checklist_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text(self) -> str:
        return _pick(self.text_zh, self.text_en)

    @property
    def violation(self) -> str:
        return _pick(self.violation_zh, self.violation_en)

    @property
    def finding_title(self) -> str:
        """The title of the hazard a failed answer raises: the violation wording.

        Hazards are recorded in Chinese. An item saved before violation wordings existed falls
        back to its own text: GB 35181 element items (codes D6.x, C7.x) state the defect
        already; any other is prefixed so that it cannot read as if all were well.
        """
        if self.violation_zh.strip():
            return self.violation_zh.strip()[:200]
        text = self.text_zh.replace("[UNVERIFIED]", "").strip()
        if DEFECT_CODE.match(self.code):
            return text[:200]
        return f"不符合要求：{text}"[:200]

    @property
    def citable_basis(self) -> str:
        """The legal basis an official document dated today may print ("" when none)."""
        return item_basis(self, on=timezone.localdate())

    @property
    def section(self) -> str:
        return _pick(self.section_zh, self.section_en)

    @property
    def guidance(self) -> str:
        return _pick(self.guidance_zh, self.guidance_en)

    @property
    def is_fire(self) -> bool:
        """A failure of this item can change the unit's GB 35181 determination."""
        return any(str(ref).split(":")[0].split("-")[0] == "gb35181" for ref in self.rule_refs)

    @property
    def basis_check(self) -> str:
        """basis_source as shown on pages: sections of the rules reference and each result in
        words, no file name and no tags."""
        text = self.basis_source.replace("regulations.md ", "")
        for tag, words in (
            ("[UNVERIFIED]", _("checked: not verified")),
            ("[V-2]", _("checked: secondary source only")),
            ("[V]", _("checked: verified")),
        ):
            text = text.replace(tag, f"（{words}）")
        return text

    @property
    def limits_display(self) -> list[dict]:
        """The element thresholds by building, labelled for the checklist pages."""
        labels = dict(BuildingClass.choices)
        return [
            {
                "ref": rule.get("ref", ""),
                "verified": rule.get("status") == BasisStatus.VERIFIED,
                "over": [
                    (labels[name], rule["over"][name])
                    for name in BuildingClass.values
                    if name in rule["over"]
                ],
            }
            for rule in self.element_limits or []
            if isinstance(rule.get("over"), dict)
        ]

    def refs_for(self, value, building: set[str]) -> list[str]:
        """The rule refs a failed answer with measured `value` feeds at a unit whose building
        is of the classes in `building` (BuildingClass values; "other" always holds).

        A ref without a building limit is fed as it is. A ref with one is fed only when its
        limit is verified and `value` is above the limit of the most specific class it lists
        that holds at the unit (BuildingClass order; a JSON object's key order is not kept by
        every database): 31 % broken emergency lights in a high-rise building, 51 % elsewhere.
        """
        limits = {rule.get("ref"): rule for rule in self.element_limits or []}
        out = []
        for ref in self.rule_refs or []:
            rule = limits.get(ref)
            if rule is None:
                out.append(ref)
                continue
            if rule.get("status") != BasisStatus.VERIFIED or value is None:
                continue
            over = rule.get("over") or {}
            limit = next(
                (
                    Decimal(str(over[name]))
                    for name in BuildingClass.values
                    if name in over and (name == BuildingClass.OTHER or name in building)
                ),
                None,
            )
            if limit is not None and value > limit:
                out.append(ref)
        return out

    def judge_number(self, value) -> bool:
        """True when `value` lies within the item's limits (inclusive)."""
        if self.number_min is not None and value < self.number_min:
            return False
        return not (self.number_max is not None and value > self.number_max)
