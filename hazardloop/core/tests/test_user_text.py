"""Users never see developer text: no command, file name or source-verification tag in a
template or in a translated message."""

import re
from pathlib import Path

import polib
import pytest

from hazardloop.testing import web_client

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


# Words translated differently by different apps where every translation fits every use (reviewed
# synonyms). Any other msgid with two translations shows one app's word on another app's page
# (Django merges the catalogues; the first app listed wins): give each meaning a context
# (pgettext / {% translate "…" context "…" %}), as the inbox's "Open" (打开) and the hazard
# status "Open" (未销号) have.
SYNONYMS = {
    "Found", "Ready", "Region", "Source", "region", "note", "kind", "Kind", "Timeline", "Search",
    "Export to Excel", "Gas use", "document number", "Document number", "done", "message",
    "Regions", "regions", "level", "Inspections", "Leader", "Inspect", "Dashboard", "Role",
    "role", "After", "Verification passed", "Late", "Overdue", "Started", "answered", "Location",
    "version", "Version", "Edit", "People", "Done", "invited", "issued",
}  # fmt: skip


def test_a_msgid_means_one_thing_in_every_catalogue():
    translations: dict = {}
    for po in PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            if entry.msgstr and not entry.obsolete:
                key = (entry.msgctxt, entry.msgid)
                translations.setdefault(key, {})[entry.msgstr] = po.parts[-5]
    clashes = {
        key: found
        for key, found in translations.items()
        if len(found) > 1 and not (key[0] is None and key[1] in SYNONYMS)
    }
    assert not clashes, f"one msgid, several meanings (add a context): {clashes}"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "button"), [("zh-hans", "打开"), ("en", "Open")])
def test_the_inbox_open_button_opens_a_message(cast, language, button):
    from hazardloop.notifications.services import notify

    notify([cast.regulator], key="open-test", message="Hazard list", params={}, link="/hazards/")
    client = web_client(cast.regulator)
    client.cookies["django_language"] = language
    page = client.get("/inbox/").content.decode()
    assert f'type="submit">{button}</button>' in page
    assert "未销号</button>" not in page


@pytest.mark.django_db
def test_the_ledger_filter_open_still_means_not_closed(cast):
    client = web_client(cast.regulator)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/hazards/").content.decode()
    assert re.search(r'<option value="open"[^>]*>未销号</option>', page)
