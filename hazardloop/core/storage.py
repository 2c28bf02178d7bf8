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


FILE_SWEEP_BATCH = 500


def forget_files(queryset, *, on_batch, batch_size: int = FILE_SWEEP_BATCH) -> int:
    """Forget the stored `file` of every row of `queryset` (rows whose time has come), in
    batches: each batch is locked (skipping rows another sweep holds), its `file` blanked,
    `on_batch(pks)` called in the same transaction (the caller's audit event), and the files
    deleted after it commits. The rows stay. Idempotent; returns the number of files deleted."""
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                queryset.select_for_update(skip_locked=True)
                .exclude(file="")
                .order_by("pk")
                .values_list("pk", "file")[:batch_size]
            )
            if not batch:
                break
            pks = [pk for pk, _name in batch]
            queryset.model.objects.filter(pk__in=pks).update(file="")
            on_batch(pks)
            delete_after_commit([name for _pk, name in batch])
        deleted += len(batch)
        if len(batch) < batch_size:
            break
    return deleted
