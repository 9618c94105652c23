"""Exports: streamed at once when short, written by the job runner when long (``dgov.lib.exports``)."""

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import QueryDict

from dgov.accounts.models import User
from dgov.audit.trail import record
from dgov.exports.models import ExportJob
from dgov.lib import clock
from dgov.lib.exports import Export, all_exports, stream, write_csv
from dgov.lib.files import files
from dgov.lib.rules import enforce
from dgov.lib.xlsx import Sheet, write_workbook

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 5_000
STALE_AFTER = dt.timedelta(minutes=30)  # a running job whose runner died is taken up again


def job_rows() -> int:
    return int(settings.EXPORT_JOB_ROWS)


def query_dict(query: dict[str, list[str]]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, values in query.items():
        q.setlist(key, values)
    return q


def count_up_to(rows: Any, limit: int) -> int:
    """How many rows, counting no further than ``limit`` + 1 (a bounded COUNT)."""
    if hasattr(rows, "query"):
        return rows.order_by()[: limit + 1].count()
    return sum(1 for _ in zip(range(limit + 1), rows, strict=False))


def do_request_export(export: Export, fmt: str, query: QueryDict, *, by: User) -> ExportJob:
    """A long list: the job runner writes it (the person's rights are checked again then)."""
    enforce(export.may(by))
    job = ExportJob.objects.create(
        requested_by=by, export=export.name, format=fmt, query=dict(query.lists()), created_at=clock.now()
    )
    record("export.request", job, actor=by, changes={"list": export.name, "format": fmt})
    return job


def record_download(export: Export, fmt: str, *, by: User, rows: int) -> None:
    record(
        "export.download",
        None,
        actor=by,
        object_type="export",
        object_id=export.name,
        changes={"format": fmt, "rows": rows},
    )


def file_key(job: ExportJob) -> str:
    """The finished file's key in the file store (``dgov.lib.files``): the job runner that
    writes it and the web node that serves it may be different machines."""
    return f"exports/{job.file_name}"


def _claim() -> ExportJob | None:
    now = clock.now()
    ExportJob.objects.filter(state=ExportJob.State.RUNNING, started_at__lt=now - STALE_AFTER).update(
        state=ExportJob.State.PENDING, rows_written=0
    )
    for pk in (
        ExportJob.objects.filter(state=ExportJob.State.PENDING).order_by("created_at").values_list("pk", flat=True)[:5]
    ):
        if ExportJob.objects.filter(pk=pk, state=ExportJob.State.PENDING).update(
            state=ExportJob.State.RUNNING, started_at=now
        ):
            return ExportJob.objects.select_related("requested_by").get(pk=pk)
    return None


def _counted(job: ExportJob, values: Any) -> Any:
    written = 0
    for row in values:
        yield row
        written += 1
        if written % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(rows_written=written)
    job.rows_written = written


def write(job: ExportJob) -> None:
    """Write ``job``'s file as its requester sees the list now."""
    export = all_exports()[job.export]
    user = job.requested_by
    enforce(export.may(user))
    rows = export.rows(user, query_dict(job.query))
    total = rows.count() if hasattr(rows, "count") and hasattr(rows, "query") else None
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    job.file_name = f"{job.pk}-{secrets.token_hex(8)}.{job.format}"
    settings.EXPORTS_ROOT.mkdir(parents=True, exist_ok=True)
    values = _counted(job, export.values(stream(rows)))
    partial = settings.EXPORTS_ROOT / f"{job.file_name}.part"
    if job.format == ExportJob.Format.XLSX:
        with partial.open("wb") as out:
            write_workbook([Sheet(str(export.title), export.header(), values)], out)
    else:
        with partial.open("w", encoding="utf-8", newline="") as out:
            write_csv(out, export.header(), values)
    files().put_file(file_key(job), partial)


def run_export_jobs(now: dt.datetime | None = None) -> int:
    """Job: write the next waiting export (one per pass), and forget old files."""
    done = _forget_old()
    job = _claim()
    if job is None:
        return done
    try:
        write(job)
    except Exception as error:  # the person sees that it failed; the log says why
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=str(error)[:500], finished_at=clock.now()
        )
        return done + 1
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.DONE,
            rows_written=job.rows_written,
            rows_total=job.rows_written,
            file_name=job.file_name,
            finished_at=clock.now(),
        )
        record("export.write", job, actor=job.requested_by, changes={"list": job.export, "rows": job.rows_written})
    return done + 1


def _forget_old() -> int:
    cutoff = clock.now() - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff)[:100])
    for job in old:
        if job.file_name:
            files().delete(file_key(job))
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)
