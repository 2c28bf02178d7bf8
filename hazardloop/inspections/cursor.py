"""Keyset cursors for newest-first lists: "<received_at in µs since the epoch>_<id>" (URL-safe)."""

import datetime as dt

from django.db.models import Q, QuerySet

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def make_cursor(row) -> str:
    delta = row.received_at - EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}_{row.pk}"


def after_cursor(qs: QuerySet, cursor: str) -> QuerySet:
    """Rows older than the cursor; ValueError for a malformed cursor."""
    micros, last_id = (int(part) for part in cursor.split("_", 1))
    at = EPOCH + dt.timedelta(microseconds=micros)
    return qs.filter(Q(received_at__lt=at) | Q(received_at=at, id__lt=last_id))
