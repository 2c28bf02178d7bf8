"""Status changes of import/export jobs: the table of allowed moves and the one helper."""

from django.utils import timezone
from django.utils.translation import gettext as _

from hazardloop.audit.services import record_event
from hazardloop.units.choices import JobStatus as S
from hazardloop.units.models import UnitJob

TRANSITIONS = {
    S.QUEUED: {S.CHECKING, S.COMMITTING, S.EXPORTING, S.FAILED},
    S.CHECKING: {S.CHECKED, S.FAILED},
    S.CHECKED: {S.QUEUED},
    S.COMMITTING: {S.COMMITTED, S.FAILED},
    S.EXPORTING: {S.DONE, S.FAILED},
}
FINAL = {S.CHECKED, S.COMMITTED, S.DONE, S.FAILED}


class JobChangedMeanwhile(Exception):
    def __init__(self):
        super().__init__(_("This job changed meanwhile; reload the page."))


def transition(job: UnitJob, to: str, *, actor=None, **fields) -> UnitJob:
    """Move job from its current status to `to` with a compare-and-swap update.

    Raises ValueError for a move the table does not allow and JobChangedMeanwhile when someone
    else moved it first. Writes an audit event; `fields` are saved in the same update.
    """
    if to not in TRANSITIONS.get(job.status, set()):
        raise ValueError(f"job {job.pk}: {job.status} → {to} is not allowed")
    if to in FINAL:
        fields.setdefault("finished_at", timezone.now())
    changed = UnitJob.objects.filter(pk=job.pk, status=job.status).update(status=to, **fields)
    if not changed:
        raise JobChangedMeanwhile
    before = job.status
    job.status = to
    for key, value in fields.items():
        setattr(job, key, value)
    record_event(
        f"unit_job.{to}",
        actor=actor or job.created_by,
        obj=job,
        before={"status": before},
        after={"status": to},
    )
    return job
