"""Every supervision page, download and API endpoint, against the standard cast."""

import datetime as dt
import re

from hazardloop.hazards.choices import Grade
from hazardloop.supervision.choices import DocumentKind
from hazardloop.supervision.services import issue_document
from hazardloop.supervision.sweep import sweep
from hazardloop.supervision.tests.helpers import at, departments, make_hazard
from hazardloop.testing import (
    ALLOW,
    DENY,
    HIDE,
    INVALID,
    LOGIN,
    ScopeCase,
    everyone,
    file_of,
    scope_expectations,
)

READ = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)
ENFORCE = {
    "anonymous": LOGIN,
    "admin": ALLOW,
    "province_regulator": ALLOW,
    "city_regulator": ALLOW,
    "regulator": ALLOW,
    "inspector": ALLOW,
    "neighbour_inspector": HIDE,
    "neighbour_regulator": HIDE,
    "unit_manager": DENY,
    "other_unit_manager": HIDE,
    "duty_officer": DENY,
    "expert": DENY,
    "leader": DENY,
}
# A deadline order (消防法) is issued under fire law: the province's and city's safety
# committees may open the form but cannot issue it under their own law (422).
ENFORCE_DEADLINE_ORDER = {
    **ENFORCE,
    "province_regulator": INVALID,
    "city_regulator": INVALID,
}
PUBLIC = everyone(ALLOW, anonymous=ALLOW)
FAR = "2099-12-31"


def _hazard(cast):
    departments()
    return make_hazard(cast, due=at(2026, 3, 12, 23, 59))


def _document(cast):
    hazard = _hazard(cast)
    return issue_document(
        hazard,
        actor=cast.inspector,
        kind=DocumentKind.DEADLINE_ORDER,
        department=departments()["fire"],
        rectify_due_at=at(2099, 12, 31),
    )


def _listed(cast):
    departments()
    hazard = make_hazard(cast, due=at(2026, 3, 12, 23, 59), grade=Grade.MAJOR)
    sweep(at(2026, 3, 12, 23, 59) + dt.timedelta(days=20))
    return hazard.documents.get(kind=DocumentKind.LISTING_NOTICE)


def _form(cast, hazard):
    return {
        "kind": "deadline_order",
        "checked_on": "2026-03-02",
        "rectify_due": FAR,
        "penalties": ["fire-60-3"],
        "key": f"scope-{hazard.pk}-{cast.inspector.pk}",
    }


CASES = [
    ScopeCase(
        "a hazard's documents",
        "supervision:hazard_documents",
        lambda c, o: f"/supervision/hazards/{o.hazard_id}/documents/",
        READ,
        make=_document,
        marker=lambda o: o.number,
    ),
    ScopeCase(
        "issue form",
        "supervision:issue",
        lambda c, o: f"/supervision/hazards/{o.pk}/documents/new/",
        ENFORCE,
        make=_hazard,
        marker=lambda o: 'name="rectify_due"',
    ),
    ScopeCase(
        "issue a document",
        "supervision:issue",
        lambda c, o: f"/supervision/hazards/{o.pk}/documents/new/",
        ENFORCE_DEADLINE_ORDER,
        make=_hazard,
        method="post",
        data=_form,
        redirect=lambda c, o: re.compile(r"/documents/\d+/"),
    ),
    ScopeCase(
        "document page",
        "supervision:document",
        lambda c, o: f"/documents/{o.pk}/",
        READ,
        make=_document,
        marker=lambda o: o.number,
    ),
    ScopeCase(
        "document PDF",
        "supervision:document_pdf",
        lambda c, o: f"/documents/{o.pk}/pdf/",
        READ,
        make=_document,
        check=file_of("application/pdf"),
    ),
    ScopeCase(
        "record service",
        "supervision:serve",
        lambda c, o: f"/documents/{o.pk}/serve/",
        ENFORCE,
        make=_document,
        method="post",
        data={"served_on": "2026-11-01", "note": "当面送达"},
        redirect=lambda c, o: f"/documents/{o.pk}/",
    ),
    ScopeCase(
        "public verification",
        "supervision:verify",
        lambda c, o: f"/d/{o.token}/",
        PUBLIC,
        make=_document,
        marker=lambda o: o.number,
    ),
    ScopeCase(
        "public list of listed hazards",
        "supervision:listed",
        lambda c, o: "/listed/",
        PUBLIC,
        make=_listed,
        is_list=True,
        marker=lambda o: o.number,
    ),
    ScopeCase(
        "API: a hazard's documents",
        "GET /api/v1/hazards/{hazard_id}/documents",
        lambda c, o: f"/api/v1/hazards/{o.hazard_id}/documents",
        READ,
        make=_document,
        api=True,
        marker=lambda o: f'"id": {o.pk},',
    ),
    ScopeCase(
        "API: issue a document",
        "POST /api/v1/hazards/{hazard_id}/documents",
        lambda c, o: f"/api/v1/hazards/{o.pk}/documents",
        ENFORCE_DEADLINE_ORDER,
        make=_hazard,
        method="post",
        api=True,
        data={"kind": "deadline_order", "rectify_due_at": "2099-12-31T23:59:00+08:00"},
        content_type="application/json",
        check=lambda r, c, o: r.status_code == 201 and r.json()["hazard_id"] == o.pk,
    ),
    ScopeCase(
        "API: one document",
        "GET /api/v1/documents/{doc_id}",
        lambda c, o: f"/api/v1/documents/{o.pk}",
        READ,
        make=_document,
        api=True,
        marker=lambda o: f'"id": {o.pk},',
    ),
]
