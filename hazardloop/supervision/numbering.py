"""Document numbers: per issuing department, kind and year, gap-free under concurrency.

`allocate(department, kind, year, count)` bumps the counter row with one UPDATE (which takes the
row lock until the caller's transaction ends, on PostgreSQL and SQLite alike) and reads the
new value back in the same transaction. The caller must be inside `transaction.atomic()` and
create its documents in that same transaction: a rollback returns the numbers with it, so the
sequence never has a gap, and two issuers at once are serialised on the row.

A number reads `长南消限字〔2026〕第0001号`: the department's prefix (Department.doc_prefix
without its trailing kind word, here 长南消), the kind's word (限), 字, the year and the
sequence.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from hazardloop.regions.choices import DepartmentKind
from hazardloop.regions.models import Department
from hazardloop.supervision.choices import DOCUMENT_WORD, DocumentKind
from hazardloop.supervision.models import DocumentCounter

# A short department word for prefixes that were not configured (Department.doc_prefix blank).
KIND_SHORT = {
    DepartmentKind.SAFETY_COMMITTEE: "安办",
    DepartmentKind.EMERGENCY: "应急",
    DepartmentKind.FIRE: "消",
    DepartmentKind.HOUSING: "建",
    DepartmentKind.COMMERCE: "商",
    DepartmentKind.MARKET: "市监",
    DepartmentKind.TRANSPORT: "交",
    DepartmentKind.WATER: "水",
    DepartmentKind.EDUCATION: "教",
    DepartmentKind.HEALTH: "卫",
    DepartmentKind.CULTURE: "文旅",
    DepartmentKind.INDUSTRY: "工信",
    DepartmentKind.NATURAL_RESOURCES: "自然",
}
_KIND_WORDS = tuple(DOCUMENT_WORD.values())


def prefix_base(department: Department) -> str:
    """The department's part of a number: 长南消限字 → 长南消; derived when not configured."""
    prefix = (department.doc_prefix or "").strip()
    if prefix:
        if prefix.endswith("字"):
            prefix = prefix[:-1]
        if prefix.endswith(_KIND_WORDS):
            prefix = prefix[:-1]
        return prefix
    region = department.region
    chain = [r for r in region.ancestors() if r.level != "province"]
    own = region.name_zh
    if len(own) > 2 and own[-1] in "区县市旗":
        own = own[:-1]
    short = "".join(r.name_zh[:1] for r in chain) + own[:2]
    return short + KIND_SHORT.get(department.kind, "")


def format_number(base: str, kind: str, year: int, seq: int) -> str:
    return f"{base}{DOCUMENT_WORD[DocumentKind(kind)]}字〔{year}〕第{seq:04d}号"


def allocate(department: Department, kind: str, year: int, count: int = 1) -> range:
    """Reserve `count` consecutive sequence numbers; call inside the issuing transaction."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside the transaction that issues the documents")
    rows = DocumentCounter.objects.filter(department=department, kind=kind, year=year)
    if not rows.update(last=F("last") + count):
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(department=department, kind=kind, year=year, last=0)
        except IntegrityError:
            pass  # created meanwhile by another issuer: bump theirs
        rows.update(last=F("last") + count)
    last = rows.values_list("last", flat=True).get()
    return range(last - count + 1, last + 1)
