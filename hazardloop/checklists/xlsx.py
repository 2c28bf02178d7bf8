"""A checklist template as an .xlsx workbook: sheet "template" (key, value) and sheet "items"
(one row per item, columns = services.ITEM_FIELDS). Export and import are each other's inverse.
"""

import io
import json
import zipfile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from hazardloop.checklists.models import ChecklistVersion
from hazardloop.checklists.services import ITEM_FIELDS, TEMPLATE_FIELDS, ChecklistError, item_dicts
from hazardloop.lib.cells import append_row

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024


def export_version(version: ChecklistVersion) -> bytes:
    template = version.template
    book = Workbook()
    meta = book.active
    meta.title = "template"
    meta.append(["key", "value"])
    for name in TEMPLATE_FIELDS:
        value = getattr(template, name)
        append_row(meta, [name, json.dumps(value) if isinstance(value, list) else value])
    meta.append(["version", version.number])
    append_row(meta, ["region_code", template.region_code])
    sheet = book.create_sheet("items")
    sheet.append(ITEM_FIELDS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in item_dicts(version):
        row = []
        for name in ITEM_FIELDS:
            value = item[name]
            if name == "rule_refs":
                value = ", ".join(value)
            elif name == "element_limits":
                value = json.dumps(value, ensure_ascii=False) if value else ""
            elif name == "photo_on_fail":
                value = "yes" if value else "no"
            elif value is not None and name in ("number_min", "number_max"):
                value = float(value)
            row.append(value)
        append_row(sheet, row)
    for name in (
        "text_zh",
        "text_en",
        "violation_zh",
        "violation_en",
        "guidance_zh",
        "guidance_en",
    ):
        column = get_column_letter(ITEM_FIELDS.index(name) + 1)
        sheet.column_dimensions[column].width = 50
        for cell in sheet[column]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse_workbook(data: bytes) -> tuple[dict, list[dict]]:
    """(template fields, item dicts) from an uploaded workbook; ChecklistError when unreadable.

    Items are checked by services.clean_items when saved; this only reads the sheets.
    """
    if len(data) > MAX_BYTES:
        raise ChecklistError([_("The workbook is larger than 5 MB.")])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ChecklistError([_("This file is not an .xlsx workbook.")]) from None
    if "items" not in book.sheetnames:
        raise ChecklistError([_("The workbook has no sheet named “items”.")])
    meta: dict = {}
    if "template" in book.sheetnames:
        for row in book["template"].iter_rows(min_row=2, values_only=True):
            if row and row[0]:
                meta[str(row[0]).strip()] = row[1] if len(row) > 1 else None
    for name in ("sectors", "gas_uses"):
        if isinstance(meta.get(name), str):
            try:
                meta[name] = json.loads(meta[name])
            except ValueError:
                meta[name] = [s.strip() for s in meta[name].split(",") if s.strip()]
    rows = book["items"].iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    missing = [f for f in ("code", "section_zh", "text_zh") if f not in header]
    if missing:
        raise ChecklistError(
            [_("The “items” sheet lacks the columns: %(cols)s.") % {"cols": ", ".join(missing)}]
        )
    items = []
    for row in rows:
        if not any(v not in (None, "") for v in row):
            continue
        if len(items) >= MAX_ROWS:
            raise ChecklistError([_("The workbook has more than %(n)s items.") % {"n": MAX_ROWS}])
        item = {
            name: row[i] for i, name in enumerate(header) if name in ITEM_FIELDS and i < len(row)
        }
        for key, value in list(item.items()):
            if isinstance(value, float) and value.is_integer() and key != "code":
                item[key] = int(value)
            elif key == "code" and value is not None:
                item[key] = str(value)
        items.append(item)
    return meta, items
