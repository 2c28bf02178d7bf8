"""The recipient loses its own index: notification_inbox and notification_once lead with it.
Every notification writes one index fewer. The constraint stays (core/indexes.py DropIndexes)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from hazardloop.core.indexes import DropIndexes


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("notifications", "0002_email_retry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                DropIndexes(
                    "notifications_notification",
                    {"notifications_notification_recipient_id_d055f3f0": '("recipient_id")'},
                ),
            ],
        ),
    ]
