"""Which .xlsx writer for the exports: the same 100,000 ledger-like rows (15 columns: a number,
Chinese text, times as text) written by each candidate in a fresh process; wall time and the
process's peak RSS over a process that only builds the rows.

    python bench/hazards/writers.py [rows [extra-path [kinds]]]
        e.g. pip install --target /tmp/sheets-eval xlsxwriter==3.3.1 pyexcelerate==0.13.0
             python bench/hazards/writers.py 100000 /tmp/sheets-eval
"""

import subprocess
import sys

CANDIDATES = (
    sys.argv[3].split(",")
    if len(sys.argv) > 3
    else ["baseline", "streaming", "xlsxwriter", "rustpy", "pyexcelerate", "openpyxl", "csv"]
)

CHILD = r"""
import io, os, resource, sys, time
sys.path[:0] = {extra!r}
ROWS = {rows}
def rows():
    for i in range(ROWS):
        yield [i, f"长春市某某餐饮有限公司{{i}}", "南关区", f"疏散通道堵塞 第{{i}}号", "一般隐患",
               "依据《消防法》第二十八条", "待整改", "检查发现", "2026-03-01 09:30",
               "2026-03-15 17:00", "2026-03-15 17:00", "是" if i % 3 else "",
               None if i % 2 else "2026-03-10 10:00", "县级", "《中华人民共和国消防法》第二十八条"]
header = [f"col{{i}}" for i in range(15)]
kind = {kind!r}
out = "/tmp/writers-bench." + ("csv" if kind == "csv" else "xlsx")
start = time.perf_counter()
if kind == "baseline":
    for r in rows():
        pass
elif kind == "streaming":
    from hazardloop.units.xlsx import SheetWriter
    with open(out, "wb") as fh, SheetWriter(fh, "ledger") as sheet:
        sheet.append(header)
        batch = []
        for r in rows():
            batch.append(r)
            if len(batch) == 2000:
                sheet.append_many(batch); batch = []
        sheet.append_many(batch)
elif kind == "xlsxwriter":
    import xlsxwriter
    book = xlsxwriter.Workbook(out, {{"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False}})
    sheet = book.add_worksheet("ledger")
    sheet.write_row(0, 0, header)
    for n, r in enumerate(rows(), start=1):
        sheet.write_row(n, 0, r)
    book.close()
elif kind == "rustpy":
    from rustpy_xlsxwriter import write_worksheet
    def records():
        for r in rows():
            yield dict(zip(header, r))
    write_worksheet(records(), out, sheet_name="ledger")
elif kind == "pyexcelerate":
    from pyexcelerate import Workbook
    book = Workbook()
    book.new_sheet("ledger", data=[header, *rows()])
    book.save(out)
elif kind == "openpyxl":
    from openpyxl import Workbook
    book = Workbook(write_only=True)
    sheet = book.create_sheet("ledger")
    sheet.append(header)
    for r in rows():
        sheet.append(r)
    book.save(out)
elif kind == "csv":
    import csv
    with open(out, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows())
took = time.perf_counter() - start
size = os.path.getsize(out) if kind != "baseline" else 0
peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps({{"kind": kind, "seconds": round(took, 2), "peak_mb": peak, "bytes": size}}))
"""


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    extra = sys.argv[2:3]  # extra import paths (a scratch install of candidates)
    for kind in CANDIDATES:
        code = "import json\n" + CHILD.format(rows=rows, kind=kind, extra=extra)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        print(done.stdout.strip() or done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
