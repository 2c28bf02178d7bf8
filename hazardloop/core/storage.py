"""Stored files that a sweep forgets: removed only once the forgetting has committed."""

from django.core.files.storage import default_storage
from django.db import transaction


def delete_after_commit(names) -> None:
    """Delete these stored files when the surrounding transaction commits (never after a
    rollback, so a row never points at a file that is gone)."""
    names = sorted({name for name in names if name})
    if names:
        transaction.on_commit(lambda: _delete(names))


def _delete(names: list[str]) -> None:
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)
