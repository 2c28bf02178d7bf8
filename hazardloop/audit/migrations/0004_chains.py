"""Several audit chains instead of one (docs/adr/0003-audit-chain.md).

The events written so far become chain 1 (`chain_seq` = `seq`: the one chain had no gaps), so
their hashes stay valid. On PostgreSQL the event numbers (`seq`) come from a sequence from now
on, started after the highest number used.
"""

from django.db import migrations, models

SEQUENCE = "audit_event_seq"


def number_old_events(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET chain = 1, chain_seq = seq")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM audit_auditevent")
            (high,) = cursor.fetchone()
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM audit_auditchainhead WHERE id = 1")
            high = max(high, cursor.fetchone()[0])
            cursor.execute("SELECT setval(%s, %s, %s)", [SEQUENCE, max(high, 1), high > 0])
    from hazardloop.audit.services import ensure_chains

    ensure_chains()


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_hashes")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(number_old_events, drop_sequence),
        migrations.AlterField(
            model_name="auditevent",
            name="chain_seq",
            field=models.BigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "chain_seq"), name="audit_chain_position"
            ),
        ),
    ]
