"""Users never see developer text: no command, file name or source-verification tag in a
template or in a translated message."""

from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2]
DEVELOPER_TEXT = ("manage.py", "regulations.md", "[V]", "[V-2]", ".md §")


def _templates():
    return sorted(PACKAGE.glob("*/templates/**/*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_templates_show_no_developer_text(path):
    text = path.read_text(encoding="utf-8")
    assert not [w for w in DEVELOPER_TEXT if w in text]


def test_translated_messages_show_no_developer_text():
    found = []
    for po in PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            for text in (entry.msgid, entry.msgstr):
                if any(w in text for w in DEVELOPER_TEXT):
                    found.append((po.parts[-5], entry.msgid[:80]))
    assert not found
