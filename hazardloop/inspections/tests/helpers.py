import uuid

from hazardloop.checklists.tests.factories import make_template
from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.services import store_photo
from hazardloop.evidence.tests.images import encoded, jpeg_bytes

_colors = iter(range(1, 10_000_000))


def photo(cast, user=None, unit=None, kind=PhotoKind.PHOTO):
    unit = unit or cast.unit
    shade = next(_colors)
    data = (
        jpeg_bytes(color=(shade % 256, (shade // 256) % 256, 90), comment=f"photo {shade}")
        if kind == PhotoKind.PHOTO
        else encoded("PNG", size=(200, 80), color=(shade % 256, (shade // 256) % 256, 20))
    )
    return store_photo(
        data, actor=user or cast.inspector, region_code=unit.region_id, unit_id=unit.pk, kind=kind
    )


def payload(cast, version, *, user=None, unit=None, failing=True, **overrides):
    """A complete submission for the test template of checklists.tests.factories."""
    user = user or cast.inspector
    unit = unit or cast.unit
    fail_photo = photo(cast, user, unit)
    answers = [
        {"code": "A1", "result": "fail" if failing else "pass", "note": "安全出口上锁",
         "photo_ids": [fail_photo.pk] if failing else []},
        {"code": "A2", "number": "2.5" if failing else "1.5"},
        {"code": "A3", "text": "15 kg×4"},
        {"code": "A4", "photo_ids": [photo(cast, user, unit).pk]},
        {"code": "A5", "result": "pass"},
    ]  # fmt: skip
    body = {
        "client_id": str(uuid.uuid4()),
        "unit_id": unit.pk,
        "template_version_id": version.pk,
        "mode": "routine",
        "device_time": "2026-01-10T10:00:00+08:00",
        "started_at": "2026-01-10T09:30:00+08:00",
        "latitude": 43.88,
        "longitude": 125.32,
        "accuracy_m": 12,
        "team": [{"name": "张检查", "role": "cadre", "user_id": user.pk}],
        "answers": answers,
        "signatures": [
            {"role": "inspector", "name": "张检查",
             "photo_id": photo(cast, user, unit, PhotoKind.SIGNATURE).pk},
            {"role": "unit", "name": "李老板", "refused": True, "witness_name": "王见证"},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def version_of(template):
    return template.versions.get(is_current=True)


def template_and_version(**kwargs):
    template = make_template(**kwargs)
    return template, version_of(template)
