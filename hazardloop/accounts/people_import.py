"""Importing accounts from an .xlsx sheet: a dry run that says what will happen, row by row,
then a commit that creates every account or none.

The sheet is read the way the unit import reads one (hazardloop/units/importing/reader.py):
size checked first, the package checked for a zip bomb before any XML is parsed, then read by
python-calamine (lib/sheets.read_rows), a row limit enforced while reading. One row is one
person with one role; each person gets a temporary password, shown once after the commit, to
be changed at first sign-in.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from hazardloop.accounts.choices import UNIT_ROLES, Role
from hazardloop.accounts.people import grant_regions, grant_units_in_scope, resolve_grant
from hazardloop.accounts.people_services import PersonData, clean_person, create_person
from hazardloop.core.errors import DomainError
from hazardloop.lib.packages import UnreadablePackage, unpacked_too_far
from hazardloop.lib.sheets import UnreadableSheet, read_rows

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
# Header texts (compared without spaces, case-insensitively) → field.
HEADERS = {
    "username": ("用户名", "账号", "帐号", "登录名", "登录账号", "username", "login"),
    "name": ("姓名", "名字", "name", "fullname"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile"),
    "role": ("角色", "role"),
    "region": ("地区", "地区代码", "区划代码", "行政区划代码", "所在地区", "region", "regioncode"),
    "unit": ("单位统一社会信用代码", "统一社会信用代码", "信用代码", "unituscc", "uscc"),
}
_LOOKUP = {alias.lower(): name for name, aliases in HEADERS.items() for alias in aliases}


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why (translated)."""


@dataclass
class Row:
    number: int
    username: str = ""
    name: str = ""
    phone: str = ""
    role: str = ""
    region_code: str = ""
    unit_id: int | None = None
    role_label: str = ""
    place_label: str = ""
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "username": self.username,
            "name": self.name,
            "phone": self.phone,
            "role": self.role,
            "region_code": self.region_code,
            "unit_id": self.unit_id,
        }


@dataclass
class Plan:
    rows: list[Row]
    ignored: list[str]

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if r.errors)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:200]


def _check_package(fh) -> None:
    """The zip-bomb check before any XML is parsed (lib/packages.py)."""
    try:
        bomb = unpacked_too_far(
            fh, max_unpacked=40 * MAX_BYTES, max_ratio=settings.IMPORT_MAX_ZIP_RATIO
        )
    except UnreadablePackage as exc:
        raise FileProblem(_("The file is not a readable .xlsx workbook.")) from exc
    if bomb:
        raise FileProblem(
            _(
                "The workbook unpacks to far more data than a sheet of accounts holds; it was "
                "not read. Save the sheet again as a new .xlsx file."
            )
        )


def _rows(fh, filename: str):
    if not (filename or "").lower().endswith(".xlsx"):
        raise FileProblem(_("Upload an .xlsx file."))
    size = getattr(fh, "size", None)
    if size is None:
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
        fh.seek(0)
    if size > MAX_BYTES:
        raise FileProblem(_("The file is larger than 2 MB; a sheet of accounts is far smaller."))
    _check_package(fh)
    try:
        _height, rows = read_rows(fh)
    except UnreadableSheet as exc:
        raise FileProblem(_("The file is not a readable .xlsx workbook.")) from exc
    limit = MAX_ROWS + HEADER_SEARCH_ROWS
    try:
        for number, row in enumerate(rows, start=1):
            if number > limit:
                raise FileProblem(
                    _("The sheet has more than %(n)d rows; split it.") % {"n": MAX_ROWS}
                )
            yield number, [_text(v) for v in row[:30]]
    finally:
        rows.close()


# Names sheets use for roles besides the labels the product shows (both languages).
ROLE_ALIASES = {
    "管理员": Role.ADMIN,
    "监管员": Role.REGULATOR,
    "检查员": Role.INSPECTOR,
    "执法人员": Role.INSPECTOR,
    "领导": Role.LEADER,
    "值班员": Role.DUTY_OFFICER,
    "负责人": Role.UNIT_MANAGER,
    "安全员": Role.UNIT_SAFETY_OFFICER,
}


def _role_names() -> dict[str, str]:
    names = {alias: role.value for alias, role in ROLE_ALIASES.items()}
    for role in Role:
        names[role.value.lower()] = role.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(role.label).lower()] = role.value
    return names


def read_plan(fh, filename: str, actor) -> Plan:
    """Read the sheet and check every row as the commit would; nothing is written."""
    rows_iter = _rows(fh, filename)
    columns, ignored = None, []
    for number, cells in rows_iter:
        found = {}
        for index, cell in enumerate(cells):
            key = cell.replace(" ", "").replace("\u3000", "").lower()
            if key in _LOOKUP and _LOOKUP[key] not in found.values():
                found[index] = _LOOKUP[key]
        if "username" in found.values() and "role" in found.values():
            columns = found
            ignored = [c for i, c in enumerate(cells) if c and i not in found]
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if columns is None:
        raise FileProblem(
            _(
                "No header row found: the sheet needs at least the columns “username” and "
                "“role”, and “region” or “uscc” for the place."
            )
        )
    roles = _role_names()
    regions = {r.code: r for r in grant_regions(actor)}
    region_names = {r.name_zh: r for r in regions.values()}
    plan = Plan(rows=[], ignored=ignored)
    seen: dict[str, int] = {}
    for number, cells in rows_iter:
        values = {name: cells[i] if i < len(cells) else "" for i, name in columns.items()}
        if not any(values.values()):
            continue
        if len(plan.rows) >= MAX_ROWS:
            raise FileProblem(_("The sheet has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
        plan.rows.append(_check_row(number, values, actor, roles, regions, region_names, seen))
    return plan


def _check_row(number, values, actor, roles, regions, region_names, seen) -> Row:
    row = Row(number, values.get("username", ""), values.get("name", ""), values.get("phone", ""))
    try:
        clean = clean_person(PersonData(row.username, row.name, row.phone))
        row.username, row.name, row.phone = clean.username, clean.name, clean.phone
    except DomainError as error:
        row.errors.extend(getattr(error, "errors", None) or [str(error)])
    key = row.username.lower()
    if key and key in seen:
        row.errors.append(_("The same username is on row %(n)d.") % {"n": seen[key]})
    seen.setdefault(key, number)
    role = roles.get(values.get("role", "").lower())
    if role is None:
        row.errors.append(_("Unknown role %(value)s.") % {"value": values.get("role", "") or "—"})
        return row
    row.role, row.role_label = role, str(Role(role).label)
    place = {}
    if role in UNIT_ROLES:
        code = values.get("unit", "").upper()
        unit = grant_units_in_scope(actor).filter(uscc=code).first() if code else None
        if unit is None:
            row.errors.append(_("No unit with this credit code in your jurisdiction."))
            return row
        row.unit_id, row.place_label = unit.pk, unit.name
        place["unit_id"] = unit.pk
    else:
        text = values.get("region", "")
        region = regions.get(text) or region_names.get(text)
        if region is None:
            row.errors.append(
                _("No region %(value)s in your jurisdiction.") % {"value": text or "—"}
            )
            return row
        row.region_code, row.place_label = region.code, region.name
        place["region_code"] = region.code
    try:
        resolve_grant(actor, role, **place)
    except DomainError as error:
        row.errors.append(str(error))
    return row


def commit_plan(rows: list[dict], actor) -> list[tuple[str, str, str]]:
    """Create every account of a checked plan, or none: [(username, name, temporary password)].
    Each row is checked again (the world may have changed since the dry run)."""
    created = []
    with transaction.atomic():
        for row in rows:
            place = (
                {"unit_id": row["unit_id"]}
                if row["role"] in UNIT_ROLES
                else {"region_code": row["region_code"]}
            )
            try:
                grant = resolve_grant(actor, row["role"], **place)
                user, temporary = create_person(
                    PersonData(row["username"], row["name"], row["phone"], None, [grant]),
                    actor=actor,
                )
            except DomainError as error:
                error.errors = [
                    _("Row %(n)d: %(problem)s") % {"n": row["number"], "problem": error}
                ]
                raise
            created.append((user.username, user.display_name, temporary))
    return created
