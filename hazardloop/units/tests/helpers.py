"""Small spreadsheets built inside the tests: each messy-spreadsheet feature gets its own."""

import io

from openpyxl import Workbook

from hazardloop.lib import uscc

HEADER = ["单位名称", "统一社会信用代码", "所属区域", "行业", "地址", "用气类型", "液化气钢瓶数"]


def code(division: str = "220102", seed: int | None = None) -> str:
    import random

    return uscc.generate(division, random.Random(seed) if seed is not None else None)


def xlsx_file(rows: list[list], *, merge: str | None = None, name: str = "units.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def csv_file(rows: list[list], *, encoding: str = "utf-8", name: str = "units.csv"):
    text = "\r\n".join(",".join("" if c is None else str(c) for c in row) for row in rows)
    buffer = io.BytesIO(text.encode(encoding))
    buffer.name = name
    return buffer
