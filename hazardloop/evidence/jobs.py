"""Sweep step: delete photos that no record claimed within EVIDENCE_UNCLAIMED_HOURS."""

import datetime as dt

from django.conf import settings
from django.db import transaction

from hazardloop.audit.services import record_event
from hazardloop.core.storage import delete_after_commit
from hazardloop.evidence.models import Photo

BATCH = 500


def delete_unclaimed_photos_once(now) -> int:
    """Delete unclaimed photos uploaded before now − EVIDENCE_UNCLAIMED_HOURS; return how many.

    Idempotent. A file is removed only when no remaining row refers to the same content.
    """
    cutoff = now - dt.timedelta(hours=settings.EVIDENCE_UNCLAIMED_HOURS)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                Photo.objects.select_for_update(skip_locked=True)
                .filter(claimed_at__isnull=True, uploaded_at__lt=cutoff)
                .order_by("uploaded_at")
                .values_list("pk", "sha256", "file", "thumbnail")[:BATCH]
            )
            if not batch:
                break
            Photo.objects.filter(pk__in=[row[0] for row in batch], claimed_at__isnull=True).delete()
            shas = {row[1] for row in batch}
            still_used = set(Photo.objects.filter(sha256__in=shas).values_list("sha256", flat=True))
            files = [
                name
                for _pk, sha, file, thumb in batch
                if sha not in still_used
                for name in (file, thumb)
            ]
            record_event(
                "evidence.unclaimed_swept",
                object_type="evidence.photo",
                message=f"{len(batch)} unclaimed photo(s) older than {cutoff.isoformat()}",
                after={"ids": [row[0] for row in batch][:200]},
                actor_label="sweep",
            )
            delete_after_commit(files)
        deleted += len(batch)
        if len(batch) < BATCH:
            break
    return deleted
