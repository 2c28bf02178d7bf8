"""The one zip-bomb check for uploaded .xlsx workbooks, before any XML is parsed.

An .xlsx is a zip package: a small upload can unpack to gigabytes (read-only openpyxl still
loads the shared strings whole). `unpacked_too_far` reads only the package's directory and says
whether the parts would unpack beyond the limits; each importer words its own refusal.
"""

import zipfile


class UnreadablePackage(ValueError):
    """The file is not a zip package (so not an .xlsx workbook)."""


def unpacked_too_far(fh, *, max_unpacked: int, max_ratio: int, max_shared: int | None = None):
    """True when the workbook's parts unpack to more than `max_unpacked` bytes in all, its
    shared strings to more than `max_shared`, or a part over 1 MB is compressed more than
    `max_ratio` times. `fh` is left at its start. UnreadablePackage for a non-zip file."""
    try:
        with zipfile.ZipFile(fh) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadablePackage(str(exc)) from exc
    finally:
        fh.seek(0)
    total = sum(p.file_size for p in parts)
    shared = sum(p.file_size for p in parts if p.filename.endswith("sharedStrings.xml"))
    inflated = any(
        p.file_size > 1024 * 1024 and p.file_size > max_ratio * max(p.compress_size, 1)
        for p in parts
    )
    return total > max_unpacked or (max_shared is not None and shared > max_shared) or inflated
