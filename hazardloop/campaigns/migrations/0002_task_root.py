"""InspectionTask.root: the campaign every level's adoption belongs to; then the open tasks a
unit holds twice in one campaign (a city's and a county's task list, a list and a draw) are
made one, before 0003 forbids it in the database.

Of a unit's open tasks in one campaign, the one kept is the drawn task if there is one (it names
the inspectors), else the one of the lowest level (the level that works the unit), else the
oldest. It takes the earliest due date and every inspector of the others; the others are
cancelled, not deleted (their history stays).
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_root_and_merge(apps, schema_editor):
    """Cancel the extra open tasks first, then fill `root` (so that it also runs, in tests,
    with the constraint of 0003 in place)."""
    Campaign = apps.get_model("campaigns", "Campaign")
    InspectionTask = apps.get_model("campaigns", "InspectionTask")
    parents, roots = {}, {}
    for pk, parent, root in Campaign.objects.values_list("pk", "parent_id", "root_id_value"):
        parents[pk], roots[pk] = parent, root or pk

    def depth(campaign_id):
        n = 0
        while parents.get(campaign_id):
            campaign_id, n = parents[campaign_id], n + 1
        return n

    groups: dict[tuple[int, int], list] = {}
    open_tasks = InspectionTask.objects.filter(status="open", campaign__isnull=False)
    for task in open_tasks.order_by("pk").iterator(chunk_size=2000):
        groups.setdefault((roots[task.campaign_id], task.unit_id), []).append(task)
    through = InspectionTask.inspectors.through
    for tasks in groups.values():
        if len(tasks) < 2:
            continue
        tasks.sort(key=lambda t: (t.draw_id is None, -depth(t.campaign_id), t.pk))
        keep, others = tasks[0], tasks[1:]
        ids = [t.pk for t in others]
        InspectionTask.objects.filter(pk__in=ids).update(status="cancelled")
        keep.due_on = min(t.due_on for t in tasks)
        keep.save(update_fields=["due_on"])
        have = set(
            through.objects.filter(inspectiontask_id=keep.pk).values_list("user_id", flat=True)
        )
        extra = (
            set(through.objects.filter(inspectiontask_id__in=ids).values_list("user_id", flat=True))
            - have
        )
        through.objects.bulk_create(
            [through(inspectiontask_id=keep.pk, user_id=u) for u in sorted(extra)]
        )
    for campaign_id, root in roots.items():
        InspectionTask.objects.filter(campaign_id=campaign_id, root__isnull=True).update(
            root_id=root
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="inspectiontask",
            name="root",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="campaigns.campaign",
                verbose_name="campaign (all levels)",
            ),
        ),
        migrations.RunPython(fill_root_and_merge, migrations.RunPython.noop),
    ]
