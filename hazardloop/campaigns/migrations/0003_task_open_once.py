"""At most one open task per unit and campaign (all levels). A migration of its own: on
PostgreSQL, 0002's updates leave deferred foreign-key checks that an ALTER TABLE in the same
transaction would trip over."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_task_root")]

    operations = [
        migrations.AddIndex(
            model_name="inspectiontask",
            index=models.Index(fields=["root", "unit"], name="task_root_unit"),
        ),
        migrations.AddConstraint(
            model_name="inspectiontask",
            constraint=models.UniqueConstraint(
                condition=models.Q(("root__isnull", False), ("status", "open")),
                fields=("root", "unit"),
                name="task_open_once_per_campaign_unit",
            ),
        ),
    ]
