"""Hashing of audit events: one canonical form, used when writing and when verifying.

The hash is an HMAC-SHA-256 keyed with settings.AUDIT_HMAC_KEY, a secret held outside the
database: someone who can write to the database but does not hold the key cannot forge a chain
that `verify_audit` accepts. The heads published outside the database (`publish_head_once`)
catch even a rewrite by someone who holds the key.
"""

import hashlib
import hmac
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


class Canonical(str):
    """JSON text that is already canonical() of values that read back from a JSON column as
    they went in (text keys, no NaN): written as the event's `before` or `after` without the
    round trip (normalise_json) that other values take. For large values whose writer knows
    this of them (an import's rows: services.record_many)."""

    __slots__ = ()


def digest(text: str, key: bytes | None = None) -> str:
    """The keyed hash of an event's canonical text."""
    if key is None:
        from django.conf import settings

        key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def event_hash(values: dict, key: bytes | None = None) -> str:
    """The keyed hash over the hashed fields; `at` must be an ISO string in UTC."""
    payload = {name: values.get(name) for name in HASHED_FIELDS}
    return digest(canonical(payload), key)


def normalise_json(value):
    """What a JSONField gives back after a round trip, so hashes match on re-read."""
    if value is None:
        return None
    if isinstance(value, Canonical):
        return json.loads(value)
    return json.loads(canonical(value))
