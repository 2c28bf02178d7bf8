"""Reading a staff list from an .xlsx (the template's four columns: name, post, phone, start
date). Headers and posts are read in Chinese or English. Every row is checked before anything
is saved; errors name the row as the spreadsheet shows it."""

import datetime as dt
import io

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hazardloop.lib.packages import UnreadablePackage, unpacked_too_far
from hazardloop.lib.sheets import XLSX, UnreadableSheet, read_rows, write_table
from hazardloop.training.choices import Post
from hazardloop.training.services import TrainingError, clean_staff

FIELDS = ("name", "post", "phone", "hired_on")
# Header words people write instead of the template's (matched, never shown).
ALIASES = {
    "姓名": "name",
    "名字": "name",
    "员工姓名": "name",
    "岗位": "post",
    "职务": "post",
    "电话": "phone",
    "手机": "phone",
    "手机号": "phone",
    "联系电话": "phone",
    "入职日期": "hired_on",
    "入职时间": "hired_on",
    "上岗日期": "hired_on",
}
MAX_BYTES = 5 * 1024 * 1024


class ImportProblems(TrainingError):
    """The file or some rows are wrong: `errors` lists each problem; nothing was saved."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0])
        self.errors = errors

    @property
    def detail(self) -> str:
        return _("The staff list was not imported: %(n)s problem(s).") % {"n": len(self.errors)}


def _headers() -> dict[str, str]:
    return {
        "name": pgettext("person", "Name"),
        "post": _("Post"),
        "phone": _("Phone"),
        "hired_on": _("Started on (YYYY-MM-DD)"),
    }


def _in_both(fn) -> list:
    out = []
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            out.append(fn())
    return out


def _norm(text) -> str:
    text = "".join(str(text or "").split()).lower()
    # "入职日期（年-月-日）", "Started on (YYYY-MM-DD)": the hint in brackets does not count.
    for bracket in ("（", "("):
        text = text.split(bracket)[0]
    return text


def template_bytes() -> bytes:
    """The template in the current language: the header row (the posts are listed on the
    import page)."""
    h = _headers()
    buffer = io.BytesIO()
    # One empty row: the writer takes the header from the rows it writes.
    blank = [[""] * len(FIELDS)]
    write_table(buffer, XLSX, title=_("Staff"), header=[h[f] for f in FIELDS], rows=blank)
    return buffer.getvalue()


def _post_names() -> dict[str, str]:
    out = {}
    for labels in _in_both(lambda: {str(label): value for value, label in Post.choices}):
        out.update({_norm(k): v for k, v in labels.items()})
    out.update({_norm(v): v for v in Post.values})
    return out


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-").replace("T", " ").split(" ")[0]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        y, _sep, rest = text.partition("-")
        m, _sep, d = rest.partition("-")
        if y.isdigit() and m.isdigit() and d.isdigit():
            try:
                return dt.date(int(y), int(m), int(d))
            except ValueError:
                pass
    raise ValueError(text)


def read_staff(upload) -> list[dict]:
    """The checked rows of an uploaded staff list; ImportProblems with every problem found."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportProblems([_("The file is too large (at most 5 MB).")])
    fh = io.BytesIO(data)
    try:
        if unpacked_too_far(fh, max_unpacked=50 * 1024 * 1024, max_ratio=100):
            raise ImportProblems([_("The file unpacks to too much data; it is not a staff list.")])
        _height, rows = read_rows(fh)
        rows = list(rows)
    except (UnreadablePackage, UnreadableSheet):
        raise ImportProblems([_("This is not an .xlsx workbook. Use the template.")]) from None
    if not rows:
        raise ImportProblems([_("The sheet is empty.")])
    wanted = {}
    for headers in _in_both(_headers):
        wanted.update({_norm(text): f for f, text in headers.items()})
    wanted.update({_norm(k): v for k, v in ALIASES.items()})
    for started in _in_both(lambda: _("Started on")):
        wanted[_norm(started)] = "hired_on"
    columns = {i: wanted[_norm(c)] for i, c in enumerate(rows[0]) if _norm(c) in wanted}
    if "name" not in columns.values():
        raise ImportProblems([_("The first row must be the template's header (a Name column).")])
    body = rows[1:]
    if len(body) > settings.TRAINING_STAFF_IMPORT_MAX_ROWS:
        raise ImportProblems(
            [_("At most %(n)s people at a time.") % {"n": settings.TRAINING_STAFF_IMPORT_MAX_ROWS}]
        )
    posts = _post_names()
    out, errors = [], []
    for number, row in enumerate(body, start=2):
        cells = {f: row[i] if i < len(row) else None for i, f in columns.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        problem = None
        post = posts.get(_norm(cells.get("post")), None) if cells.get("post") else Post.STAFF
        phone = cells.get("phone")
        if isinstance(phone, float) and phone.is_integer():
            phone = int(phone)
        try:
            hired = _date(cells.get("hired_on"))
        except ValueError:
            hired, problem = None, _("the start date is not a date (write it as 2024-03-01)")
        if problem is None and post is None:
            problem = _("the post is not one of the template's posts")
        if problem is None:
            try:
                out.append(
                    clean_staff(
                        name=str(cells.get("name") or ""),
                        post=post,
                        phone=str(phone or ""),
                        hired_on=hired,
                    )
                )
            except TrainingError as exc:
                problem = str(exc)
        if problem:
            errors.append(_("Row %(row)s: %(problem)s") % {"row": number, "problem": problem})
    if errors:
        raise ImportProblems(errors[:50])
    if not out:
        raise ImportProblems([_("The sheet has no people below the header.")])
    return out
