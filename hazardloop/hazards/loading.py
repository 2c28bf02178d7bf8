"""Loading the shipped data files: rule sets and holiday calendars (migration and commands)."""

import json
from pathlib import Path

from hazardloop.hazards.grading import (
    RULESET_DIR,
    RuleSetError,
    edition_of,
    load_document,
    validate_document,
)
from hazardloop.lib.workdays import read_year_file

CALENDAR_DIR = Path(__file__).resolve().parent / "data" / "calendars"


def upsert_rule_set(model, document: dict):
    """Create or replace the rule set with the document's code. Returns (row, created)."""
    checked = validate_document(document)
    defaults = {
        "family": checked["family"].lower(),
        "title": checked["title"],
        "valid_from": checked["valid_from"],
        "valid_to": checked["valid_to"],
        "data": document,
    }
    if any(f.name == "edition" for f in model._meta.get_fields()):  # not in migration 0002
        defaults["edition"] = edition_of(checked["code"], document)
    return model.objects.update_or_create(code=checked["code"], defaults=defaults)


def upsert_holiday_year(model, path):
    year = read_year_file(path)
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return model.objects.update_or_create(
        year=year.year,
        defaults={"name": year.name, "source": year.source[:300], "document": document},
    )


def load_shipped(rule_set_model, holiday_model) -> None:
    for path in sorted(RULESET_DIR.glob("*.json")):
        upsert_rule_set(rule_set_model, load_document(path))
    for path in sorted(CALENDAR_DIR.glob("*.json")):
        upsert_holiday_year(holiday_model, path)


__all__ = ["RuleSetError", "load_shipped", "upsert_holiday_year", "upsert_rule_set"]
