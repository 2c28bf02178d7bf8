from django.core.files.uploadedfile import SimpleUploadedFile

from hazardloop.evidence.services import store_photo
from hazardloop.evidence.tests.images import jpeg_bytes
from hazardloop.testing import ALLOW, DENY, HIDE, ScopeCase, scope_expectations


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


CASES = [
    ScopeCase(
        "photo",
        "evidence:photo",
        lambda c, o: f"/evidence/photos/{o.pk}/",
        scope_expectations(duty_officer=ALLOW),
        make=_photo,
    ),
    ScopeCase(
        "photo thumbnail",
        "evidence:thumb",
        lambda c, o: f"/evidence/photos/{o.pk}/thumb/",
        scope_expectations(),
        make=_photo,
    ),
    ScopeCase(
        "API: photo",
        "GET /api/v1/evidence/photos/{photo_id}",
        lambda c, o: f"/api/v1/evidence/photos/{o.pk}",
        scope_expectations(),
        make=_photo,
        api=True,
    ),
    ScopeCase(
        "API: upload photo",
        "POST /api/v1/evidence/photos",
        lambda c, o: "/api/v1/evidence/photos",
        scope_expectations(duty_officer=DENY, other_unit_manager=HIDE, neighbour_inspector=HIDE),
        method="post",
        data=_upload,
        api=True,
    ),
]
