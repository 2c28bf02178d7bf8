"""The case list's filters (page and API): status, source, region, measure."""

from dataclasses import dataclass

from hazardloop.accountability.choices import CaseStatus, Measure, SourceKind
from hazardloop.regions import codes as region_codes


@dataclass
class CaseFilters:
    status: str = ""
    source: str = ""
    region: str = ""
    measure: str = ""

    @classmethod
    def from_query(cls, data) -> "CaseFilters":
        return cls(
            **{
                k: (data.get(k) or "").strip()[:64]
                for k in ("status", "source", "region", "measure")
            }
        )


def filter_cases(qs, f: CaseFilters):
    """Unknown values match nothing rather than everything (a stale link shows an empty list)."""
    if f.status:
        qs = qs.filter(status=f.status) if f.status in CaseStatus.values else qs.none()
    if f.source:
        qs = qs.filter(source_kind=f.source) if f.source in SourceKind.values else qs.none()
    if f.measure:
        qs = qs.filter(measure=f.measure) if f.measure in Measure.values else qs.none()
    if f.region:
        if region_codes.is_code(f.region):
            qs = qs.filter(region_codes.code_subtree_filter("region", f.region))
        else:
            qs = qs.none()
    return qs.order_by("-proposed_at", "-id")
