"""Hashing of audit events: one canonical form, used when writing and when verifying."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "region_code",
    "ip",
    "user_agent",
    "message",
    "before",
    "after",
    "prev_hash",
)


def canonical(values: dict) -> str:
    return json.dumps(
        values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    )


def event_hash(values: dict) -> str:
    """SHA-256 over the hashed fields; `at` must be an ISO string in UTC."""
    payload = {name: values.get(name) for name in HASHED_FIELDS}
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def normalise_json(value):
    """What a JSONField gives back after a round trip, so hashes match on re-read."""
    if value is None:
        return None
    return json.loads(canonical(value))
