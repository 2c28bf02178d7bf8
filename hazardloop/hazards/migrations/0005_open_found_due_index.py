"""The open-hazards ledger index gains the deadline as a key column (built before the old one
is dropped, so the ledger keeps an index throughout)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0004_open_region_grade_due_index"),
        ("units", "0007_token_region_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(("status__in", ["found", "ordered", "rectifying", "submitted"])),
                fields=["found_at", "id", "due_at"],
                name="hazard_open_found_due",
            ),
        ),
        migrations.RemoveIndex(
            model_name="hazard",
            name="hazard_open_found",
        ),
    ]
