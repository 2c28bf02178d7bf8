"""Decoding an uploaded image on the server: format check, full decode, EXIF, thumbnail.

Pure functions over bytes (no database); `services.store_photo` wraps them. Every refusal is a
`PhotoError` whose message is translated and safe to show to the user.

One decode pass serves both validation and the thumbnail. Every byte of the picture is decoded
(so a truncated or corrupt file is refused), but a JPEG is decoded at a reduced scale
(`Image.draft`: the decoder's DCT scaling to the smallest scale still at least the thumbnail's
size), which skips most of the work of a full-size decode. EXIF is read from the file's header
without decoding again, and the thumbnail is made from the decoded pixels in place.
"""

import datetime as dt
import io
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from hazardloop.core.errors import DomainError
from hazardloop.evidence.choices import ACCEPTED_FORMATS

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_DATETIME = 306
TAG_DATETIME_ORIGINAL = 36867
TAG_OFFSET_TIME_ORIGINAL = 36881


class PhotoError(DomainError, ValueError):
    """The upload is refused (422 with `code`); `str(exc)` is a translated message for the user.

    Still a ValueError for callers that catch the photo checks among other value errors.
    """

    def __init__(self, message: str, code: str = "invalid_photo"):
        super().__init__(message, code)


@dataclass
class Decoded:
    content_type: str
    extension: str
    width: int
    height: int
    taken_at: dt.datetime | None
    gps_lat: Decimal | None
    gps_lon: Decimal | None
    thumbnail_jpeg: bytes


def decode(data: bytes, *, max_pixels: int, thumb_px: int, default_tz) -> Decoded:
    """Decode `data` completely; raise PhotoError for anything that is not a sound photo."""
    if not data:
        raise PhotoError(_("The file is empty."), "empty")
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past 2× its own limit raises) on huge images; we apply our
            # own configurable limit below, before decoding any pixel.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise PhotoError(_too_many_pixels(None, max_pixels), "too_many_pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PhotoError(_not_an_image(), "not_an_image") from None
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoError(
            _("Photos in %(format)s format are not accepted: send a JPEG, PNG, WebP or HEIC photo.")
            % {"format": image.format or "?"},
            "format_not_accepted",
        )
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoError(_not_an_image(), "not_an_image")
    if width * height > max_pixels:
        raise PhotoError(_too_many_pixels(width * height, max_pixels), "too_many_pixels")
    if image.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale when that still covers the thumbnail: the whole
        # entropy-coded stream is still read and checked.
        image.draft(None, (thumb_px, thumb_px))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
    except Image.DecompressionBombError:
        raise PhotoError(_too_many_pixels(None, max_pixels), "too_many_pixels") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PhotoError(
            _("The photo is incomplete or damaged: take or send it again."), "truncated"
        ) from None
    content_type, extension = ACCEPTED_FORMATS[image.format]
    taken_at, lat, lon = _exif(image, default_tz)
    return Decoded(
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        taken_at=taken_at,
        gps_lat=lat,
        gps_lon=lon,
        thumbnail_jpeg=_thumbnail(image, thumb_px),
    )


def _not_an_image() -> str:
    return _(
        "This file is not a photo that can be read (JPEG, PNG, WebP or HEIC). It may be "
        "another kind of file renamed, or damaged."
    )


def _too_many_pixels(pixels: int | None, limit: int) -> str:
    if pixels is None:
        return _("The picture is far too large in pixels to be a photo; it was refused.")
    return _(
        "The picture has %(mp)s megapixels; the limit is %(limit)s megapixels. "
        "Send a smaller photo."
    ) % {"mp": round(pixels / 1_000_000, 1), "limit": round(limit / 1_000_000, 1)}


def _thumbnail(image: Image.Image, size: int) -> bytes:
    """A JPEG at most `size` px on its longer side, upright; shrinks `image` in place first
    (the decoded picture is not needed afterwards), then turns and flattens the small copy."""
    image.thumbnail((size, size))
    thumb = ImageOps.exif_transpose(image)
    if thumb.mode not in ("RGB", "L"):
        background = Image.new("RGB", thumb.size, "white")
        rgba = thumb.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        thumb = background
    out = io.BytesIO()
    thumb.convert("RGB").save(out, "JPEG", quality=82)
    return out.getvalue()


def _exif(
    image: Image.Image, default_tz
) -> tuple[dt.datetime | None, Decimal | None, Decimal | None]:
    """Capture time and GPS position from EXIF, when present and sane; never raises."""
    try:
        exif = image.getexif()
    except Exception:  # malformed EXIF must not refuse an otherwise good photo
        return None, None, None
    taken_at = lat = lon = None
    try:
        sub = exif.get_ifd(EXIF_IFD)
        raw = sub.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME)
        taken_at = _parse_exif_time(raw, sub.get(TAG_OFFSET_TIME_ORIGINAL), default_tz)
    except Exception:
        taken_at = None
    try:
        gps = exif.get_ifd(GPS_IFD)
        lat = _gps_coord(gps.get(2), gps.get(1), 90)
        lon = _gps_coord(gps.get(4), gps.get(3), 180)
        if lat is None or lon is None:
            lat = lon = None
    except Exception:
        lat = lon = None
    return taken_at, lat, lon


def _parse_exif_time(raw, offset, default_tz) -> dt.datetime | None:
    if not raw:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "ignore")
    raw = str(raw).strip().rstrip("\x00")
    try:
        naive = dt.datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, bytes):
        offset = offset.decode("ascii", "ignore")
    if offset:
        try:
            sign = -1 if str(offset).startswith("-") else 1
            hours, minutes = str(offset).lstrip("+-").split(":")[:2]
            tz = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
            return naive.replace(tzinfo=tz)
        except (ValueError, TypeError):
            pass
    # EXIF times are local device times without a zone: read them as the deployment's zone.
    return naive.replace(tzinfo=default_tz)


def _gps_coord(value, ref, bound: int) -> Decimal | None:
    if not value or len(value) != 3:
        return None
    try:
        degrees, minutes, seconds = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if ref in ("S", "W"):
        result = -result
    if not -bound <= result <= bound:
        return None
    try:
        return Decimal(str(round(result, 6)))
    except InvalidOperation:
        return None
