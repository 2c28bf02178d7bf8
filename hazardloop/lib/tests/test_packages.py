import io
import zipfile

import pytest

from hazardloop.lib.packages import UnreadablePackage, unpacked_too_far


def _package(**parts) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name.replace("__", "/"), data)
    buf.seek(0)
    return buf


LIMITS = {"max_unpacked": 10 * 1024 * 1024, "max_ratio": 100, "max_shared": 2 * 1024 * 1024}


def test_a_plain_workbook_passes_and_is_left_at_its_start():
    fh = _package(xl__sharedStrings_xml=b"<sst>" + "饺子馆".encode() * 100 + b"</sst>")
    assert not unpacked_too_far(fh, **LIMITS)
    assert fh.tell() == 0


@pytest.mark.parametrize(
    "parts",
    [
        {"xl__worksheets__sheet1.xml": b"0" * (3 * 1024 * 1024)},  # 3 MB of zeros: ratio ≫ 100
        {"xl__sharedStrings.xml": bytes(range(256)) * (12 * 1024)},  # over the shared limit
    ],
)
def test_bombs_and_oversized_parts_are_refused(parts):
    assert unpacked_too_far(_package(**parts), **LIMITS)


def test_not_a_zip():
    with pytest.raises(UnreadablePackage):
        unpacked_too_far(io.BytesIO(b"name,uscc\n"), **LIMITS)
