"""Forms of the grading pages: the rule-set editor (the document as lines a person can type),
a determination with its members and votes, and an exclusion."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazardloop.hazards.choices import DeterminationMethod, Grade

MEMBER_ROWS = 12
LINES = {"rows": 6, "class": "form-control font-monospace", "spellcheck": "false"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _split(line: str, parts: int) -> list[str]:
    cells = [c.strip() for c in line.replace("｜", "|").split("|")]
    return (cells + [""] * parts)[:parts]


class RuleSetForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("e.g. GB35181-2025"))
    family = forms.CharField(
        label=_("Standard"), max_length=20, initial="gb35181", help_text=_("e.g. gb35181")
    )
    edition = forms.CharField(label=_("Edition"), max_length=12, help_text=_("e.g. 2025"))
    title = forms.CharField(label=_("Title"), max_length=200)
    label = forms.CharField(
        label=_("Short name"), max_length=60, required=False, help_text=_("e.g. GB 35181-2025")
    )
    valid_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("In force until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty while it is in force."),
    )
    direct = forms.CharField(
        label=_("Direct elements"),
        required=False,
        widget=forms.Textarea(attrs=LINES),
        help_text=_("One per line: the number, a space, the text. Any one makes a major hazard."),
    )
    comprehensive = forms.CharField(
        label=_("Comprehensive elements"),
        required=False,
        widget=forms.Textarea(attrs=LINES),
        help_text=_("One per line: the number, a space, the text. Counted against thresholds."),
    )
    places = forms.CharField(
        label=_("Place types"),
        required=False,
        widget=forms.Textarea(attrs={**LINES, "rows": 4}),
        help_text=_(
            "One per line: key | Chinese name | English name | unit flags | sectors | always. "
            "E.g. crowded | 人员密集场所 | a crowded place | | catering"
        ),
    )
    thresholds = forms.CharField(
        label=_("Thresholds"),
        required=False,
        widget=forms.Textarea(attrs={**LINES, "rows": 4}),
        help_text=_(
            "One per line: name | place types | elements counted | how many. "
            "E.g. 6.x-a | crowded | 6.3.1-6.3.9, 6.5 | 3"
        ),
    )
    exclusions = forms.CharField(
        label=_("Exclusion clauses"),
        required=False,
        widget=forms.Textarea(attrs={**LINES, "rows": 3}),
        help_text=_("One per line: the clause, a space, the text. E.g. 4.2(1) …"),
    )
    maps = forms.CharField(
        label=_("Elements of the earlier edition that this one counts"),
        required=False,
        widget=forms.Textarea(attrs={**LINES, "rows": 4}),
        help_text=_(
            "One per line: earlier element = element of this edition, e.g. "
            "gb35181-2017:7.3.10 = 6.3.5. Checklist items name earlier elements; an earlier "
            "element not listed here is determined by people."
        ),
    )
    notes = forms.CharField(
        label=_("Sources and verification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    change_note = forms.CharField(
        label=_("Reason for this change"),
        max_length=300,
        help_text=_("Kept with the version, e.g. “thresholds entered from the published text”."),
    )

    # --- document <-> lines ---

    @classmethod
    def initial_from(cls, doc: dict) -> dict:
        places = []
        for key, spec in (doc.get("places") or {}).items():
            places.append(
                " | ".join(
                    [
                        key,
                        spec.get("label", ""),
                        spec.get("label_en", ""),
                        ", ".join(spec.get("unit_flags", [])),
                        ", ".join(spec.get("sectors", [])),
                        "always" if spec.get("always") else "",
                    ]
                ).rstrip(" |")
            )
        thresholds = [
            " | ".join(
                [
                    str(r.get("id", "")),
                    ", ".join(r.get("places", [])),
                    ", ".join(r.get("elements", [])),
                    str(r.get("min", "")),
                ]
            )
            for r in doc.get("thresholds") or []
        ]
        return {
            "code": doc.get("code", ""),
            "family": doc.get("family", ""),
            "edition": doc.get("edition", ""),
            "title": doc.get("title", ""),
            "label": doc.get("label", ""),
            "valid_from": doc.get("valid_from"),
            "valid_to": doc.get("valid_to"),
            "direct": "\n".join(f"{k} {v}" for k, v in (doc.get("direct") or {}).items()),
            "comprehensive": "\n".join(
                f"{k} {v}" for k, v in (doc.get("comprehensive") or {}).items()
            ),
            "places": "\n".join(places),
            "thresholds": "\n".join(thresholds),
            "exclusions": "\n".join(f"{k} {v}" for k, v in (doc.get("exclusions") or {}).items()),
            "maps": "\n".join(f"{k} = {v}" for k, v in (doc.get("maps") or {}).items()),
            "notes": doc.get("notes", ""),
        }

    def _numbered(self, name: str) -> dict:
        out = {}
        for line in _lines(self.cleaned_data.get(name)):
            number, _sep, text = line.partition(" ")
            if number in out:
                self.add_error(name, _("%(n)s is listed twice.") % {"n": number})
            out[number] = text.strip()
        return out

    def document(self, base: dict | None = None) -> dict | None:
        """The rule-set document the form describes (None when a line cannot be read)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        base = base or {}
        # Keys a line does not show (a place's "within", a threshold's "verified" note) are kept
        # from the stored document.
        old_places = base.get("places") or {}
        old_rules = {r.get("id"): r for r in base.get("thresholds") or [] if isinstance(r, dict)}
        places = {}
        for line in _lines(data.get("places")):
            key, label, label_en, flags, sectors, always = _split(line, 6)
            kept = {
                k: v
                for k, v in (old_places.get(key) or {}).items()
                if k not in ("label", "label_en", "unit_flags", "sectors", "always")
            }
            spec = {**kept, "label": label, "label_en": label_en or label}
            if flags:
                spec["unit_flags"] = [f.strip() for f in flags.split(",") if f.strip()]
            if sectors:
                spec["sectors"] = [s.strip() for s in sectors.split(",") if s.strip()]
            if always.lower() in ("always", "yes", "是", "true", "1"):
                spec["always"] = True
            places[key] = spec
        thresholds = []
        for line in _lines(data.get("thresholds")):
            name, place_list, elements, minimum = _split(line, 4)
            try:
                count = int(minimum)
            except ValueError:
                self.add_error(
                    "thresholds",
                    _("%(name)s: “%(value)s” is not a whole number.")
                    % {"name": name or "?", "value": minimum},
                )
                continue
            kept = {
                k: v
                for k, v in (old_rules.get(name) or {}).items()
                if k not in ("id", "places", "elements", "min")
            }
            thresholds.append(
                {
                    **kept,
                    "id": name,
                    "places": [p.strip() for p in place_list.split(",") if p.strip()],
                    "elements": [e.strip() for e in elements.split(",") if e.strip()],
                    "min": count,
                }
            )
        maps = {}
        for line in _lines(data.get("maps")):
            source, sep, target = line.replace("＝", "=").partition("=")
            if not sep:
                self.add_error(
                    "maps",
                    _("“%(line)s”: write earlier element = element.") % {"line": line[:60]},
                )
                continue
            maps[source.strip()] = target.strip()
        doc = {
            **base,
            "code": data["code"].strip(),
            "family": data["family"].strip().lower(),
            "edition": data["edition"].strip().lower(),
            "title": data["title"].strip(),
            "label": data.get("label", "").strip() or data["title"].strip(),
            "valid_from": data["valid_from"].isoformat(),
            "valid_to": data["valid_to"].isoformat() if data.get("valid_to") else None,
            "direct": self._numbered("direct"),
            "comprehensive": self._numbered("comprehensive"),
            "places": places,
            "thresholds": thresholds,
            "exclusions": self._numbered("exclusions"),
            "maps": maps,
            "notes": data.get("notes", "").strip(),
        }
        return None if self.errors else doc


class DeterminationForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"), choices=DeterminationMethod.choices, widget=forms.RadioSelect
    )
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Grade.choices)
    held_on = forms.DateField(
        label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    basis = forms.CharField(
        label=_("Basis of the conclusion"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "The facts and elements relied on, and why they make (or do not make) a "
            "major fire hazard."
        ),
    )
    basis_document = forms.CharField(
        label=_("Minutes or report"),
        max_length=200,
        required=False,
        help_text=_("e.g. the meeting minutes' or expert report's number"),
    )

    def members(self, data) -> list[dict]:
        rows = []
        for n in range(MEMBER_ROWS * 2):
            rows.append(
                {
                    "name": data.get(f"member_name_{n}", ""),
                    "organisation": data.get(f"member_org_{n}", ""),
                    "vote": data.get(f"member_vote_{n}", ""),
                }
            )
        return rows

    def clean_held_on(self):
        value = self.cleaned_data.get("held_on")
        return value or timezone.localdate()


class ExclusionForm(forms.Form):
    element = forms.ChoiceField(label=_("Element reviewed"))
    clause = forms.ChoiceField(label=_("Exclusion clause"))
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        help_text=_("Where the reviewed situation is, e.g. “2F east windows”."),
    )
    basis_document = forms.CharField(
        label=_("Basis document"),
        max_length=200,
        help_text=_("e.g. the fire-design expert review's opinion, or the closure notice"),
    )
    valid_until = forms.DateField(
        label=_("In effect until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, elements=(), clauses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = list(elements)
        self.fields["clause"].choices = list(clauses)

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The end date is in the past."))
        if value > timezone.localdate() + dt.timedelta(days=366 * 10):
            raise forms.ValidationError(_("At most ten years ahead."))
        return value
