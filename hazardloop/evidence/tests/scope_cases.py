from django.core.files.uploadedfile import SimpleUploadedFile

from hazardloop.evidence.services import store_photo
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.testing import ALLOW, DENY, ScopeCase, file_of, scope_expectations


def _photo(cast):
    return store_photo(
        jpeg_bytes(color="green"),
        actor=cast.inspector,
        region_code=cast.unit.region_id,
        unit_id=cast.unit.pk,
        original_name="scope.jpg",
    )


def _upload(cast, obj):
    return {
        "file": SimpleUploadedFile("x.jpg", jpeg_bytes(color="navy"), "image/jpeg"),
        "unit_id": str(cast.unit.pk),
    }


# Whoever sees the hazard or unit sees its photos; the duty officer only reads.
SEE = scope_expectations(duty_officer=ALLOW, expert=ALLOW, leader=ALLOW)
UPLOAD = scope_expectations(duty_officer=DENY, expert=ALLOW, leader=ALLOW)

CASES = [
    ScopeCase(
        "photo",
        "evidence:photo",
        lambda c, o: f"/evidence/photos/{o.pk}/",
        SEE,
        make=_photo,
        check=file_of("image/jpeg"),
    ),
    ScopeCase(
        "photo thumbnail",
        "evidence:thumb",
        lambda c, o: f"/evidence/photos/{o.pk}/thumb/",
        SEE,
        make=_photo,
        check=file_of("image/jpeg"),
    ),
    ScopeCase(
        "API: photo",
        "GET /api/v1/evidence/photos/{photo_id}",
        lambda c, o: f"/api/v1/evidence/photos/{o.pk}",
        SEE,
        make=_photo,
        api=True,
        marker=lambda o: f'"id": {o.pk},',
    ),
    ScopeCase(
        "API: upload photo",
        "POST /api/v1/evidence/photos",
        lambda c, o: "/api/v1/evidence/photos",
        UPLOAD,
        method="post",
        data=_upload,
        api=True,
        check=lambda r, c, o: r.status_code == 201 and r.json()["original_name"] == "x.jpg",
    ),
]
