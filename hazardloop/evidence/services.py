"""Storing and claiming evidence photos.

- `store_photo` decodes an upload on the server, refuses anything unsound with a translated
  `PhotoError`, stores the bytes once per content (named by SHA-256) with a thumbnail, and commits
  a `Photo` row at once: photos are stored before the record that references them.
- `claim_photos` is called by whoever references photos (a hazard, an inspection), inside that
  record's transaction; the sweep (`jobs.delete_unclaimed_photos_once`) removes photos nobody
  claimed.
"""

import hashlib
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.imaging import PhotoError, decode
from hazardloop.evidence.models import Photo

__all__ = ["PhotoError", "claim_photos", "photo_paths", "read_limited", "store_photo"]

CHUNK = 1024 * 1024


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def read_limited(file) -> bytes:
    """All the bytes of `file` (an upload, a file object or bytes), refusing oversize files
    without reading more than the limit plus one chunk."""
    limit = max_bytes()
    too_big = PhotoError(
        _("The file is larger than the limit of %(mb)s MB.") % {"mb": round(limit / 1048576, 1)},
        "too_large",
    )
    if isinstance(file, bytes | bytearray):
        if len(file) > limit:
            raise too_big
        return bytes(file)
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise too_big
    if hasattr(file, "seek"):
        file.seek(0)
    parts, total = [], 0
    while True:
        chunk = file.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise too_big
        parts.append(chunk)
    return b"".join(parts)


def photo_paths(sha256: str, extension: str) -> tuple[str, str]:
    return (
        f"evidence/{sha256[:2]}/{sha256}.{extension}",
        f"evidence/thumbs/{sha256[:2]}/{sha256}.jpg",
    )


def _put(name: str, data: bytes) -> None:
    """Write `data` under exactly `name` unless it is there already (content-addressed)."""
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        # A concurrent upload of the same bytes won the race; its file is identical.
        default_storage.delete(saved)


def store_photo(
    file,
    *,
    actor,
    region_code: str,
    unit_id: int | None,
    kind: str = PhotoKind.PHOTO,
    device_time=None,
    original_name: str = "",
) -> Photo:
    """Decode, validate and store one photo; return its committed `Photo` row.

    Raises PhotoError (nothing stored) for an empty, oversize, renamed, corrupt or truncated
    file, a format other than JPEG/PNG/WebP/HEIC, or more pixels than EVIDENCE_MAX_PIXELS.
    The same bytes stored again by the same person for the same unit return the same row; the
    same bytes for anyone are stored on disk once. The caller has checked that `actor` may add
    evidence to `unit_id` / `region_code`.
    """
    data = read_limited(file)
    original_name = (original_name or getattr(file, "name", "") or "")[:200]
    decoded = decode(
        data,
        max_pixels=settings.EVIDENCE_MAX_PIXELS,
        thumb_px=settings.EVIDENCE_THUMB_PX,
        default_tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
    )
    sha = hashlib.sha256(data).hexdigest()
    existing = Photo.objects.filter(
        sha256=sha, unit_id=unit_id, region_code=region_code, kind=kind, uploaded_by=actor
    ).first()
    if existing is not None:
        _put(existing.file.name, data)  # in case a sweep removed the file meanwhile
        _put(existing.thumbnail.name, decoded.thumbnail_jpeg)
        return existing
    name, thumb_name = photo_paths(sha, decoded.extension)
    _put(name, data)
    _put(thumb_name, decoded.thumbnail_jpeg)
    with transaction.atomic():
        photo = Photo.objects.create(
            kind=kind,
            file=name,
            thumbnail=thumb_name,
            sha256=sha,
            content_type=decoded.content_type,
            width=decoded.width,
            height=decoded.height,
            bytes=len(data),
            original_name=original_name,
            taken_at=decoded.taken_at,
            gps_lat=decoded.gps_lat,
            gps_lon=decoded.gps_lon,
            device_time=device_time,
            uploaded_by=actor,
            region_code=region_code,
            unit_id=unit_id,
        )
        record_event(
            "evidence.photo_stored",
            actor=actor,
            obj=photo,
            after={
                "sha256": sha,
                "bytes": len(data),
                "content_type": decoded.content_type,
                "kind": kind,
                "unit_id": unit_id,
            },
        )
    return photo


def claim_photos(
    ids: Iterable[int], *, actor, unit_id: int | None, ref: str, region_code: str = ""
) -> list[Photo]:
    """Mark photos as referenced by `ref` (e.g. "hazard:12"); return them in the order given.

    Call inside the referencing record's transaction. Every id must name a photo of `unit_id`
    (or, for photos without a unit, of `region_code`); otherwise PhotoError and nothing is
    claimed. Claiming an already-claimed photo is allowed (one photo may back several records).
    The rows are locked so that the sweep cannot delete a photo being claimed.
    """
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    with transaction.atomic():
        rows = {p.pk: p for p in Photo.objects.select_for_update().filter(pk__in=wanted)}
        for pk in wanted:
            photo = rows.get(pk)
            if photo is None or not _belongs(photo, unit_id, region_code):
                raise PhotoError(
                    _("Photo %(id)s is missing or belongs to another unit; upload it again.")
                    % {"id": pk},
                    "photo_unavailable",
                )
        now = timezone.now()
        fresh = [pk for pk in wanted if rows[pk].claimed_at is None]
        if fresh:
            Photo.objects.filter(pk__in=fresh, claimed_at__isnull=True).update(
                claimed_at=now, claimed_by_ref=ref[:100]
            )
            for pk in fresh:
                rows[pk].claimed_at = now
                rows[pk].claimed_by_ref = ref[:100]
            record_event(
                "evidence.photos_claimed",
                actor=actor,
                object_type="evidence.photo",
                object_id=",".join(str(pk) for pk in fresh)[:64],
                region_code=rows[fresh[0]].region_code,
                message=f"claimed by {ref}",
                after={"ids": fresh, "ref": ref},
            )
    return [rows[pk] for pk in wanted]


def _belongs(photo: Photo, unit_id: int | None, region_code: str) -> bool:
    if unit_id is not None:
        return photo.unit_id == unit_id
    return photo.unit_id is None and bool(region_code) and photo.region_code == region_code
