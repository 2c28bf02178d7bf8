"""Re-chain the audit log with keyed hashes (HMAC-SHA-256 under settings.AUDIT_HMAC_KEY).

Events written before this migration carry plain SHA-256 hashes, which anyone with database
access could recompute after an edit. Each is checked under the old scheme first: a chain that
does not verify stops the migration (investigate with the previous version's `verify_audit`)
instead of being blessed with new hashes.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations

from hazardloop.audit.chain import HASHED_FIELDS, canonical

GENESIS = "0" * 64


def rekey(apps, schema_editor):
    from hazardloop.audit.chain import digest

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    key = settings.AUDIT_HMAC_KEY.encode()
    old_prev, new_prev, batch = GENESIS, GENESIS, []
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        values = {name: getattr(event, name) for name in HASHED_FIELDS if name != "at"}
        values["at"] = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        text = canonical({name: values.get(name) for name in HASHED_FIELDS})
        if event.prev_hash != old_prev or hashlib.sha256(text.encode()).hexdigest() != event.hash:
            raise RuntimeError(
                f"The audit chain is broken at event #{event.seq}; it is not re-keyed. "
                "Check it with verify_audit of the previous version."
            )
        old_prev = event.hash
        values["prev_hash"] = new_prev
        text = canonical({name: values.get(name) for name in HASHED_FIELDS})
        event.prev_hash, event.hash = new_prev, digest(text, key)
        new_prev = event.hash
        batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
    AuditChainHead.objects.filter(pk=1).update(last_hash=new_prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
