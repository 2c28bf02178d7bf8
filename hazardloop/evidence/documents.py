"""Documents attached to a record (a drill's emergency plan, a publicity leaflet): a PDF or a
photo, checked on the server and stored once per content.

`store_document` refuses anything unsound with a translated `PhotoError` (the evidence app's one
refusal type, 422): oversize (EVIDENCE_MAX_BYTES), empty, a PDF without its header and end
marker, or an image that does not decode as the evidence photos do. The caller keeps the
returned `Document` facts on its own row and serves the file itself after its own scope check.
"""

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from hazardloop.evidence.imaging import PhotoError, decode
from hazardloop.evidence.services import _put, read_hashed

PDF = "application/pdf"


@dataclass(frozen=True)
class Document:
    name: str  # the storage name (content-addressed)
    content_type: str
    bytes: int
    sha256: str
    original_name: str


def _check_pdf(data: bytes) -> bool:
    """A PDF starts with its header and has an end-of-file marker near its end."""
    return data[:1024].lstrip().startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def check_document(data: bytes) -> tuple[str, str]:
    """(content type, extension) of a sound PDF or image; PhotoError otherwise."""
    if not data:
        raise PhotoError(_("The file is empty."), "empty")
    if data[:1024].lstrip().startswith(b"%PDF"):
        if not _check_pdf(data):
            raise PhotoError(_("The PDF file is damaged or incomplete."), "invalid_document")
        return PDF, "pdf"
    try:
        decoded = decode(
            data,
            max_pixels=settings.EVIDENCE_MAX_PIXELS,
            thumb_px=64,
            default_tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        )
    except PhotoError:
        raise PhotoError(
            _("Attach a PDF file or a photo (JPEG, PNG, WebP or HEIC)."), "invalid_document"
        ) from None
    return decoded.content_type, decoded.extension


def store_document(file, *, folder: str) -> Document:
    """Check and store one uploaded document under `folder/`; nothing is stored on refusal."""
    data, sha = read_hashed(file)
    content_type, extension = check_document(data)
    name = f"{folder}/{sha[:2]}/{sha}.{extension}"
    _put(name, data)
    original = (getattr(file, "name", "") or "").rsplit("/", 1)[-1][:200]
    return Document(name, content_type, len(data), sha, original)
