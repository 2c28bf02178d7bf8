"""The campaign's progress table and a draw's result as .xlsx, as their pages show them.

Both are small and written in the request (not export jobs): the progress table has one row
per child region of the campaign's level (a few dozen at most), and a draw's result is the list
its record already holds in one row. They go through the exports' table writer
(lib/sheets.py), so a unit or person named like a formula arrives as text. Headers are in the
language of the request, like the page.
"""

import io

from django.utils.translation import gettext as _

from hazardloop.lib.sheets import XLSX as XLSX_FORMAT
from hazardloop.lib.sheets import write_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, header: list[str], rows) -> bytes:
    out = io.BytesIO()
    write_table(out, XLSX_FORMAT, title=title, header=header, rows=rows)
    return out.getvalue()


def progress_workbook(progress: dict) -> bytes:
    """The rows of `campaigns.progress.progress()` (already limited to the user's scope)."""
    header = [
        _("Region"),
        _("Units in scope"),
        _("Adopted"),
        _("Tasks"),
        _("Done"),
        _("Done (%)"),
        _("Late"),
        _("Self-inspection invitations"),
    ]
    yes, no = _("Yes"), _("No")
    rows = [
        [
            r["name"],
            r["units_in_scope"],
            yes if r["adopted_by"] else no,
            r["tasks"],
            r["tasks_done"],
            r["tasks_done_pct"],
            r["tasks_overdue"],
            r["invited"],
        ]
        for r in progress["rows"]
    ]
    totals = progress["totals"]
    rows.append(
        [
            _("Total"),
            totals["units_in_scope"],
            "",
            totals["tasks"],
            totals["tasks_done"],
            round(totals["tasks_done"] * 100 / totals["tasks"], 1) if totals["tasks"] else None,
            totals["tasks_overdue"],
            totals["invited"],
        ]
    )
    return _book(_("Progress of the task list"), header, rows)


def draw_workbook(rows: list[dict]) -> bytes:
    """The drawn units with their region and inspectors (the draw page's rows)."""
    header = [_("Unit"), _("Region"), _("Inspectors")]
    out = [
        [
            row["unit"].name if row["unit"] else "—",
            row["unit"].region.name if row["unit"] else "",
            "、".join(str(p) for p in row["inspectors"]),
        ]
        for row in rows
    ]
    return _book(_("Double-random draw"), header, out)
