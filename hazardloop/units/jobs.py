"""Background jobs (django-tasks): imports and exports, with progress the page polls.

`run_unit_job` is the task; `run_job_once(job_id)` is the step it runs, which tests call
directly. Each run is idempotent: a job that is not queued is left alone.
`merge_unit_search` merges what an import left in the search indexes' pending lists, after its
commit; `merge_search_indexes_once(now)`, a sweep step, does the same if that task was lost.
`delete_old_job_files_once(now)` is a sweep step: it deletes the files (uploads and exports)
of jobs finished more than UNIT_JOB_FILE_DAYS ago, and the sample cells an import's mapping
step showed, and keeps the job rows.
"""

import datetime as dt
import logging

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_tasks import task

from hazardloop.audit.services import record_event
from hazardloop.core.storage import forget_files
from hazardloop.lib.sheets import FORMATS, XLSX, progress_of, save_export
from hazardloop.units.choices import JobKind, JobStatus
from hazardloop.units.filters import UnitFilter
from hazardloop.units.importing import checked
from hazardloop.units.importing.run import import_units, merge_search_indexes
from hazardloop.units.models import UnitJob
from hazardloop.units.workflow import transition

log = logging.getLogger("hazardloop.units.jobs")


def _progress(job_id: int):
    return progress_of(UnitJob.objects.filter(pk=job_id))


def _choices(params: dict) -> dict[int, str] | None:
    """The user's column choices kept on the job ({"3": "region", "5": ""})."""
    raw = params.get("choices")
    return None if raw is None else {int(k): v for k, v in raw.items()}


def _run_import(job: UnitJob) -> None:
    commit = job.commit_requested
    transition(job, JobStatus.COMMITTING if commit else JobStatus.CHECKING)
    params = dict(job.params or {})
    choices = _choices(params)
    if commit and choices is None and params.get("table"):
        # import exactly as the dry run mapped it, even if the remembered mapping changed since
        choices = {c["index"]: c["field"] for c in params["table"]["columns"] if c["header"]}
    kept = params.pop("checked", None)
    options = {
        "user": job.created_by,
        "commit": commit,
        "progress": _progress(job.pk),
        "job_id": job.pk,
        "sha256": job.sha256,
        "header_row": params.get("header_row"),
        "choices": choices,
        "named": params.get("mapping"),
    }
    if commit and checked.usable(kept, sha256=job.sha256, table=params.get("table")):
        # the rows the dry run checked: the sheet is not read (nor checked) a second time
        result = import_units(None, job.filename, kept=kept, description=params["table"], **options)
    else:
        with job.file.open("rb") as fh:
            result = import_units(fh, job.filename, keep_checked=not commit, **options)
    checked.forget(kept)  # a new dry run keeps its own rows; a commit needs them no more
    if result.spool is not None:
        params["checked"] = result.spool.save(job_id=job.pk, sha256=job.sha256, table=result.table)
    if result.table:
        params["table"] = result.table
        params["header_row"] = result.table["header_row"]
    counts = {
        "params": params,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.errors,
        "done": result.rows,
        "total": result.rows,
    }
    if result.error_count > len(result.errors):
        counts["message"] = _("%(n)d problems in all; the first %(shown)d are listed.") % {
            "n": result.error_count,
            "shown": len(result.errors),
        }
    if not commit:
        transition(job, JobStatus.CHECKED, **counts)
    elif result.committed:
        transition(job, JobStatus.COMMITTED, **counts)
    else:
        counts.setdefault("message", _("Nothing was imported: fix the rows listed and retry."))
        transition(job, JobStatus.FAILED, **counts)


def _run_export(job: UnitJob) -> None:
    from hazardloop.units.exports import write_units

    transition(job, JobStatus.EXPORTING)
    params = QueryDict(mutable=True)
    options = dict(job.params or {})
    fmt = options.pop("format", XLSX)
    fmt = fmt if fmt in FORMATS else XLSX
    for key, value in options.items():
        params[key] = value
    unit_filter = UnitFilter(params, job.created_by, perm="unit.export")
    qs = unit_filter.queryset()
    rows = save_export(
        job.file,
        f"units-{job.pk}",
        fmt,
        lambda fh: write_units(
            qs, fh, fmt=fmt, progress=progress_of(UnitJob.objects.filter(pk=job.pk))
        ),
    )
    transition(job, JobStatus.DONE, file=job.file.name, done=rows, total=rows)


def run_job_once(job_id: int) -> str:
    """Run one queued job. Returns its final status (or the status it was left in)."""
    job = UnitJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return job.status if job else "missing"
    try:
        if job.kind == JobKind.IMPORT:
            _run_import(job)
        else:
            _run_export(job)
    except Exception:
        log.exception("unit job %s failed", job_id)
        job.refresh_from_db()
        if job.status not in (JobStatus.FAILED, JobStatus.CHECKED, JobStatus.COMMITTED):
            transition(job, JobStatus.FAILED, message=_("The job failed unexpectedly."))
    return job.status


@task()
def run_unit_job(job_id: int) -> str:
    return run_job_once(job_id)


@task()
def merge_unit_search() -> int:
    """Enqueued by an import's commit: the new units' search entries merged into the indexes
    (importing.run.merge_search_indexes), with the user no longer waiting."""
    return merge_search_indexes()


def merge_search_indexes_once(now) -> int:
    """Sweep step: the same merge, in case an import's task was lost (a no-op read of two
    index metapages when nothing is pending). Returns the pages merged."""
    return merge_search_indexes()


def delete_old_job_files_once(now) -> int:
    """Delete the stored files of jobs finished before now − UNIT_JOB_FILE_DAYS (a checked
    import not committed by then can no longer be; an export can no longer be downloaded).
    The job rows stay, with an empty file. Idempotent; returns the number of files deleted."""
    cutoff = now - dt.timedelta(days=settings.UNIT_JOB_FILE_DAYS)

    def audit(pks):
        _forget_samples(pks)
        record_event(
            "unit_job.files_deleted",
            object_type="units.unitjob",
            message=f"{len(pks)} job file(s) of jobs finished before {cutoff.isoformat()}",
            after={"jobs": pks[:200]},
            actor_label="sweep",
        )

    return forget_files(UnitJob.objects.filter(finished_at__lt=cutoff), on_batch=audit)


def _forget_samples(pks) -> None:
    """The sample values the mapping step showed are cells of the file, and the rows a dry run
    checked are its rows: they go with it."""
    for job in UnitJob.objects.filter(pk__in=pks, kind=JobKind.IMPORT).only("params"):
        params = job.params or {}
        table = params.get("table") or {}
        kept = params.pop("checked", None)
        checked.forget(kept)
        if kept or any(c.get("samples") for c in table.get("columns", [])):
            for column in table.get("columns", []):
                column["samples"] = []
            job.save(update_fields=["params"])
