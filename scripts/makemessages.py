"""Extract translatable strings into each app's own catalogue (hazardloop/<app>/locale).

    .venv/bin/python scripts/makemessages.py            all apps
    .venv/bin/python scripts/makemessages.py units      one app

Source strings are English; each app keeps a zh_Hans catalogue that must translate every one
of them (hazardloop/core/tests/test_i18n.py checks). Needs GNU gettext (xgettext, msgmerge).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "hazardloop"


def apps_with_strings() -> list[Path]:
    out = []
    for app in sorted(p for p in APPS.iterdir() if (p / "apps.py").exists()):
        files = [*app.rglob("*.py"), *app.rglob("*.html")]
        if any(
            "gettext" in text or "{% translate" in text or "{% blocktranslate" in text
            for text in (f.read_text(encoding="utf-8") for f in files)
        ):
            out.append(app)
    return out


def make(app: Path, locale_root: Path | None = None) -> None:
    (locale_root or app / "locale").mkdir(exist_ok=True)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="hazardloop.settings", PYTHONPATH=str(ROOT))
    subprocess.run(
        [
            sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans",
            "--no-obsolete", "--no-location", "--ignore", "tests/*", "--ignore", "migrations/*",
        ],
        cwd=app,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def main(names: list[str]) -> int:
    targets = [APPS / n for n in names] if names else apps_with_strings()
    for app in targets:
        make(app)
        print("updated", app.relative_to(ROOT) / "locale/zh_Hans/LC_MESSAGES/django.po")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
