"""An audit event's object type loses its own two indexes (equality, and PostgreSQL's prefix
search): it is only ever asked with the object's id, which audit_object serves. Every audited
change writes two indexes fewer (core/indexes.py DropIndexes)."""

from django.db import migrations, models

from hazardloop.core.indexes import DropIndexes


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("audit", "0004_chains"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="object_type",
                    field=models.CharField(blank=True, max_length=64, verbose_name="object type"),
                ),
            ],
            database_operations=[
                DropIndexes(
                    "audit_auditevent",
                    {"audit_auditevent_object_type_2df52246": '("object_type")'},
                    postgresql={
                        "audit_auditevent_object_type_2df52246_like": (
                            '("object_type" varchar_pattern_ops)'
                        )
                    },
                ),
            ],
        ),
    ]
