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
from django.db.models import Case, IntegerField, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.imaging import Decoded, PhotoError, decode
from hazardloop.evidence.models import Photo

__all__ = [
    "PhotoError",
    "claim_photos",
    "photo_paths",
    "read_hashed",
    "read_limited",
    "store_photo",
]

CHUNK = 1024 * 1024


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def read_limited(file) -> bytes:
    """All the bytes of `file` (an upload, a file object or bytes), refusing oversize files
    without reading more than the limit plus one chunk."""
    return read_hashed(file)[0]


def read_hashed(file) -> tuple[bytes, str]:
    """Like `read_limited`, with the SHA-256 (hex) of the bytes computed while reading."""
    limit = max_bytes()
    too_big = PhotoError(
        _("The file is larger than the limit of %(mb)s MB.") % {"mb": round(limit / 1048576, 1)},
        "too_large",
    )
    if isinstance(file, bytes | bytearray):
        if len(file) > limit:
            raise too_big
        return bytes(file), hashlib.sha256(file).hexdigest()
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise too_big
    if hasattr(file, "seek"):
        file.seek(0)
    parts, total, digest = [], 0, hashlib.sha256()
    while True:
        chunk = file.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise too_big
        digest.update(chunk)
        parts.append(chunk)
    return b"".join(parts), digest.hexdigest()


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


def _decode(data: bytes) -> Decoded:
    return decode(
        data,
        max_pixels=settings.EVIDENCE_MAX_PIXELS,
        thumb_px=settings.EVIDENCE_THUMB_PX,
        default_tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
    )


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
    same bytes for anyone are stored on disk once, and decoded once while their files are
    there. The caller has checked that `actor` may add evidence to `unit_id` / `region_code`.
    """
    data, sha = read_hashed(file)
    original_name = (original_name or getattr(file, "name", "") or "")[:200]
    mine = Q(unit_id=unit_id, region_code=region_code, kind=kind, uploaded_by=actor)
    # One query: this person's row for these bytes (a retried upload) if any, else anyone's.
    known = (
        Photo.objects.filter(sha256=sha)
        .annotate(mine=Case(When(mine, then=1), default=0, output_field=IntegerField()))
        .order_by("-mine", "-id")
        .first()
    )
    if known is not None and known.mine:
        _put(known.file.name, data)  # in case a sweep removed the file meanwhile
        if not default_storage.exists(known.thumbnail.name):
            _put(known.thumbnail.name, _decode(data).thumbnail_jpeg)
        return known
    if (
        known is not None
        and known.width * known.height <= settings.EVIDENCE_MAX_PIXELS
        and default_storage.exists(known.thumbnail.name)
    ):
        # The same bytes were decoded and accepted before (content-addressed: the file and its
        # thumbnail are on disk): take what that decode found instead of decoding again.
        decoded = Decoded(
            content_type=known.content_type,
            extension=known.file.name.rsplit(".", 1)[-1],
            width=known.width,
            height=known.height,
            taken_at=known.taken_at,
            gps_lat=known.gps_lat,
            gps_lon=known.gps_lon,
            thumbnail_jpeg=b"",
        )
        name, thumb_name = known.file.name, known.thumbnail.name
        _put(name, data)
    else:
        decoded = _decode(data)
        name, thumb_name = photo_paths(sha, decoded.extension)
        _put(name, data)
        _put(thumb_name, decoded.thumbnail_jpeg)
    # The row and its audit event together; no savepoint of its own inside a caller's
    # transaction (an error there fails the whole of it anyway).
    with transaction.atomic(savepoint=False):
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
    ids: Iterable[int],
    *,
    actor,
    unit_id: int | None,
    ref: str,
    region_code: str = "",
    events: list | None = None,
) -> list[Photo]:
    """Mark photos as referenced by `ref` (e.g. "hazard:12"); return them in the order given.

    Call inside the referencing record's transaction. Every id must name a photo of `unit_id`
    (or, for photos without a unit, of `region_code`); otherwise PhotoError and nothing is
    claimed. Claiming an already-claimed photo is allowed (one photo may back several records).
    The rows are locked so that the sweep cannot delete a photo being claimed. With `events`
    (a list), the audit event is appended to it as `(action, fields)` for the caller to record
    with its own in one `record_events` call, in the same transaction.
    """
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    # No savepoint of its own (two fewer round trips inside the caller's transaction): the
    # checks raise only after the block, so a refusal never spoils the caller's transaction.
    with transaction.atomic(savepoint=False):
        rows = {p.pk: p for p in Photo.objects.select_for_update().filter(pk__in=wanted)}
        unavailable = next(
            (
                pk
                for pk in wanted
                if rows.get(pk) is None or not _belongs(rows[pk], unit_id, region_code)
            ),
            None,
        )
        fresh = [pk for pk in wanted if rows[pk].claimed_at is None] if unavailable is None else []
        if fresh:
            now = timezone.now()
            Photo.objects.filter(pk__in=fresh, claimed_at__isnull=True).update(
                claimed_at=now, claimed_by_ref=ref[:100]
            )
            for pk in fresh:
                rows[pk].claimed_at = now
                rows[pk].claimed_by_ref = ref[:100]
            event = {
                "actor": actor,
                "object_type": "evidence.photo",
                "object_id": ",".join(str(pk) for pk in fresh)[:64],
                "region_code": rows[fresh[0]].region_code,
                "message": f"claimed by {ref}",
                "after": {"ids": fresh, "ref": ref},
            }
            if events is None:
                record_event("evidence.photos_claimed", **event)
            else:
                events.append(("evidence.photos_claimed", event))
    if unavailable is not None:
        raise PhotoError(
            _("Photo %(id)s is missing or belongs to another unit; upload it again.")
            % {"id": unavailable},
            "photo_unavailable",
        )
    return [rows[pk] for pk in wanted]


def _belongs(photo: Photo, unit_id: int | None, region_code: str) -> bool:
    if unit_id is not None:
        return photo.unit_id == unit_id
    return photo.unit_id is None and bool(region_code) and photo.region_code == region_code
