"""Every interface string is translated: each app's zh_Hans catalogue covers its source."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from makemessages import apps_with_strings, make  # noqa: E402


def _catalogue(app: Path) -> Path:
    return app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("app", apps_with_strings(), ids=lambda p: p.name)
def test_every_string_is_translated(app, tmp_path):
    committed = _catalogue(app)
    assert committed.exists(), f"{app.name} has strings but no zh_Hans catalogue"
    # Extract afresh from a copy, so the check sees exactly what the code says today.
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    make(copy)
    extracted = {e.msgid for e in polib.pofile(str(_catalogue(copy)))}
    translated = {
        e.msgid
        for e in polib.pofile(str(committed))
        if "fuzzy" not in e.flags
        and (e.msgstr or (e.msgstr_plural and all(e.msgstr_plural.values())))
    }
    missing = sorted(extracted - translated)
    assert not missing, (
        f"{app.name}: untranslated strings (run scripts/makemessages.py {app.name} and fill "
        f"the zh_Hans msgstr): {missing[:20]}"
    )


def test_catalogues_compile():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compile_messages.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_language_switch(client, cast):
    client.force_login(cast.regulator)
    assert "退出登录" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Sign out" in page and "退出登录" not in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client.get("/").content.decode()
