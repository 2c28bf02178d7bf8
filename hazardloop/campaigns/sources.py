"""Where campaigns and statistics read inspections from.

The inspections app is built alongside this one; this module is the one place that knows its
model and field names, so that the rest of the code asks `inspection_model()` and `FIELDS`.
When the app is not installed, everything that counts inspections counts none (and says so).
"""

from functools import lru_cache

from django.apps import apps


@lru_cache(maxsize=1)
def inspection_model():
    try:
        return apps.get_model("inspections", "Inspection")
    except LookupError:
        return None


def _first(model, names):
    fields = {f.name for f in model._meta.get_fields()} | {
        getattr(f, "attname", f.name) for f in model._meta.get_fields()
    }
    return next((n for n in names if n in fields), None)


@lru_cache(maxsize=1)
def inspection_fields() -> dict:
    """Field names: when (the moment it was done), region, mode, campaign (or None)."""
    model = inspection_model()
    if model is None:
        return {}
    return {
        "at": _first(model, ["received_at", "finished_at", "performed_at", "started_at"]),
        "region": _first(model, ["region_code"]) or "unit__region",
        "mode": _first(model, ["mode"]),
        "campaign": _first(model, ["campaign_id"]),
    }


def inspections():
    """All inspections (a queryset), or None without the inspections app."""
    model = inspection_model()
    return None if model is None else model._default_manager.all()
