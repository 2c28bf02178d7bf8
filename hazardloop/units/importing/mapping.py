"""The column mapping step: what the dry run shows of the sheet's columns, the user's
corrections, and the mapping remembered for them per header row (models.ImportMapping)."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from hazardloop.units.importing.columns import BY_FIELD, COLUMNS, REQUIRED
from hazardloop.units.models import ImportMapping

SAMPLES = 3  # sample values shown per column
SAMPLE_CHARS = 40


class MappingError(ValueError):
    """The user's choices cannot be used; the message says why (translated)."""


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def recall_for(user):
    """The `recall(signature)` open_table uses: the user's remembered choices, if any."""

    def recall(signature: str) -> dict[int, str] | None:
        saved = (
            ImportMapping.objects.filter(user=user, signature=signature)
            .values_list("choices", flat=True)
            .first()
        )
        if not saved:
            return None
        return {int(k): v for k, v in saved.items() if str(k).isdigit()}

    return recall


def remember(user, table: dict) -> None:
    """Remember the mapping a dry run ended with (table: describe()'s output) for this user
    and this header row."""
    if not table.get("signature") or not table.get("columns"):
        return
    choices = {str(c["index"]): c["field"] for c in table["columns"] if c["header"]}
    ImportMapping.objects.update_or_create(
        user=user,
        signature=table["signature"],
        defaults={"choices": choices, "headers": [c["header"] for c in table["columns"]]},
    )


def remember_choices(user, table: dict, choices: dict[int, str]) -> None:
    """Remember the user's corrections for the header row of `table` (describe()'s output):
    their choices over what the dry run showed."""
    merged = {c["index"]: c["field"] for c in table["columns"] if c["header"]}
    merged.update(choices)
    remember(
        user,
        {
            "signature": table["signature"],
            "columns": [
                {**c, "field": merged.get(c["index"], c["field"])} for c in table["columns"]
            ],
        },
    )


def clean_choices(raw: dict, width: int) -> dict[int, str]:
    """{column index: field or ""} from a form or an API payload, checked: known fields, each
    field at most once. Raises MappingError."""
    out: dict[int, str] = {}
    for key, value in raw.items():
        index = int(key)
        value = (value or "").strip()
        if not 0 <= index < width:
            raise MappingError(_("The sheet has no column %(n)s.") % {"n": key})
        if value and value not in BY_FIELD:
            raise MappingError(_("Unknown field %(name)s.") % {"name": value})
        out[index] = value
    chosen = [v for v in out.values() if v]
    twice = sorted({v for v in chosen if chosen.count(v) > 1}, key=list(BY_FIELD).index)
    if twice:
        raise MappingError(
            _("Each field can be filled from one column only: %(fields)s is chosen twice.")
            % {"fields": join_labels(twice)}
        )
    return out


def describe(table, samples: dict[int, list[str]]) -> dict:
    """What the dry run stores and shows of the sheet's columns (JSON)."""
    columns = [
        {
            "index": i,
            "letter": column_letter(i),
            "header": text,
            "field": table.columns.get(i, ""),
            "how": table.how.get(i, "ignored" if i in table.ignored else ""),
            "samples": samples.get(i, []),
        }
        for i, text in enumerate(table.headers)
    ]
    return {
        "header_row": table.header_row,
        "signature": table.signature,
        "columns": columns,
        "unknown": [table.headers[i] for i in table.unknown],
        "missing": table.missing,
    }


def sample_text(value) -> str:
    from hazardloop.units.importing.rows import cell_text

    text = cell_text(value)
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


def field_options() -> list[tuple[str, str, bool]]:
    """(field, label, required) for the mapping step's choices, in registry order."""
    return [(c.field, str(c.label), c.required) for c in COLUMNS]


HOW_LABELS = {
    "exact": gettext_lazy("recognised by its name"),
    "meaning": gettext_lazy("recognised by its meaning"),
    "remembered": gettext_lazy("as you mapped it before"),
    "chosen": gettext_lazy("your choice"),
    "ignored": gettext_lazy("ignored, as you chose"),
    "": gettext_lazy("not recognised: not imported"),
}


def mapping_view(table: dict) -> dict:
    """What the mapping step of the job page shows: a row per headed column of the sheet with
    its samples and choices, the required fields with the column that fills each."""
    options = field_options()
    rows = []
    for column in table.get("columns", []):
        if not column["header"]:
            continue
        rows.append(
            {
                **column,
                "lang": cell_lang(column["header"]),
                "samples": [(v, cell_lang(v)) for v in column["samples"]],
                "how_label": HOW_LABELS.get(column["how"], ""),
                "unknown": not column["field"] and column["how"] != "ignored",
                "options": [
                    (name, label, required, name == column["field"])
                    for name, label, required in options
                ],
            }
        )
    filled = {c["field"]: c for c in rows if c["field"]}
    required = [
        {"label": label, "column": filled.get(name)}
        for name, label, is_required in options
        if is_required
    ]
    unknown = [(h, cell_lang(h)) for h in table.get("unknown", [])]
    return {"rows": rows, "required": required, "unknown": unknown}


_CJK = re.compile(r"[\u3400-\u9fff]")


def cell_lang(text: str) -> str:
    """The language of a cell copied from the sheet, for its element's `lang`: the sheet's
    Chinese shown in the English interface is marked as Chinese (read aloud as such)."""
    return "zh-Hans" if _CJK.search(text or "") else ""


def missing_message(missing: list[str]) -> str:
    return _(
        "No column of the sheet was recognised as %(fields)s: choose the column for it in the "
        "column mapping, or add it to the sheet."
    ) % {"fields": join_labels(missing)}


def join_labels(fields) -> str:
    """Field labels as a list in the user's language (单位名称、行业 / Unit name, Sector)."""
    return pgettext("list separator", ", ").join(str(BY_FIELD[f].label) for f in fields)


__all__ = [
    "REQUIRED",
    "MappingError",
    "clean_choices",
    "describe",
    "field_options",
    "mapping_view",
    "missing_message",
    "recall_for",
    "remember",
]
